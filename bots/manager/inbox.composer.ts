import { createHash } from 'node:crypto';
import { Composer, InlineKeyboard } from 'grammy';
import type { ParkedItem } from '../../src/app/messaging/ports';
import { isAdmin, type StaffMemberContext } from './context';
import { formatDate } from './render';

/** The inbox's items given up on after their bounded retries, as admins handle them. */
export interface ParkedInbox {
  parked(): Promise<ParkedItem[]>;
  retryParked(key: string): Promise<boolean>;
  discardParked(key: string): Promise<boolean>;
}

export interface InboxBotDeps {
  inbox: ParkedInbox;
  timeZone: string;
}

const SNIPPET = 80;
const REASON = 200;
/** Inbox keys can outgrow a button's 64 bytes: buttons carry a short digest of the key. */
const tag = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 16);

/**
 * `/inbox` (admins): customer messages the hub acknowledged but could not ingest after its
 * retries — kept, never lost — with why, and buttons to try one again or drop it.
 */
export function inboxComposer(deps: InboxBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer
    .filter((ctx) => !isAdmin(ctx))
    .command('inbox', (ctx) => ctx.reply(ctx.t('admin:refused')));
  const admins = composer.filter(isAdmin);

  admins.command('inbox', async (ctx) => {
    const items = await deps.inbox.parked();
    if (items.length === 0) {
      await ctx.reply(ctx.t('admin:inbox.empty'));
      return;
    }
    await ctx.reply(ctx.t('admin:inbox.header', { count: items.length }));
    for (const item of items) {
      const text = item.message.text ?? '';
      await ctx.reply(
        ctx.t('admin:inbox.item', {
          channel: ctx.t(`bot:client.channels.${item.message.channel}`),
          at: formatDate(item.receivedAt, ctx.lng, deps.timeZone),
          text: text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text || '—',
          reason: item.error.slice(0, REASON),
          attempts: item.attempts,
        }),
        {
          reply_markup: new InlineKeyboard()
            .text(ctx.t('admin:inbox.retry'), `ib:r:${tag(item.key)}`)
            .text(ctx.t('admin:inbox.discard'), `ib:d:${tag(item.key)}`),
        },
      );
    }
  });

  admins.callbackQuery(/^ib:([rd]):(.+)$/, async (ctx) => {
    const [, action, digest] = ctx.match;
    const item = (await deps.inbox.parked()).find((parked) => tag(parked.key) === digest);
    const done = item
      ? action === 'r'
        ? await deps.inbox.retryParked(item.key)
        : await deps.inbox.discardParked(item.key)
      : false;
    await ctx.answerCallbackQuery();
    const result = !done ? 'gone' : action === 'r' ? 'retrying' : 'discarded';
    await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard() }).catch(() => {});
    await ctx.reply(ctx.t(`admin:inbox.${result}`));
  });
  return composer;
}
