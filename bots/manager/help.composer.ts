import { Composer } from 'grammy';
import type { StaffMemberContext } from './context';
import { helpText } from './help';

/** `/help`: what the person's roles can do, with the commands that exist. */
export function helpComposer(): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.command('help', (ctx) => ctx.reply(helpText(ctx.staff, ctx.t)));
  return composer;
}

const MAX_ECHOED = 40;

/**
 * The last handler: a message nothing above took (not a dialog's answer, not a reply to a client's
 * card or to the bot's question, no known command) is answered with what to do instead of silence.
 * In a group only a command addressed to this bot is answered: the rest is people talking.
 */
export function fallbackComposer(): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.on('message', async (ctx) => {
    const message = ctx.message;
    const entity = ctx.entities('bot_command').find((command) => command.offset === 0);
    const [name = '', addressee] = entity?.text.split('@') ?? [];
    const forMe = addressee === undefined || addressee === ctx.me.username;
    if (ctx.chat.type !== 'private' && !(entity && addressee === ctx.me.username)) return;
    if (entity) {
      if (!forMe) return;
      const command = name.length > MAX_ECHOED ? `${name.slice(0, MAX_ECHOED)}…` : name;
      await ctx.reply(ctx.t('help:fallback.command', { command }));
    } else if (message.reply_to_message) {
      await ctx.reply(ctx.t('help:fallback.reply'));
    } else if (ctx.has(':file')) {
      await ctx.reply(ctx.t('help:fallback.file'));
    } else if (message.text !== undefined) {
      await ctx.reply(ctx.t('help:fallback.text'));
    }
  });
  return composer;
}
