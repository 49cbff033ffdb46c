import type { ManagerContext } from './context';

export type Pending =
  { kind: 'problem'; taskId: string } | { kind: 'reply'; conversationId: string };

const MAX_WAITING = 1000;

/**
 * Questions the bot asked that wait for a reply to them. Kept in memory: after a restart the
 * person simply presses the button again; the bound keeps forgotten questions from piling up.
 */
export class Prompts {
  private readonly waiting = new Map<string, Pending>();

  async ask(ctx: ManagerContext, question: string, pending: Pending): Promise<void> {
    const prompt = await ctx.reply(question, { reply_markup: { force_reply: true } });
    if (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
    this.waiting.set(`${prompt.chat.id}:${prompt.message_id}`, pending);
  }

  /** The question of this kind that the incoming message answers, if any. */
  answered<K extends Pending['kind']>(
    ctx: ManagerContext,
    kind: K,
  ): { pending: Extract<Pending, { kind: K }>; settle(): void } | undefined {
    const repliedTo = ctx.message?.reply_to_message;
    if (!repliedTo || !ctx.chat) return undefined;
    const key = `${ctx.chat.id}:${repliedTo.message_id}`;
    const pending = this.waiting.get(key);
    if (pending?.kind !== kind) return undefined;
    return {
      pending: pending as Extract<Pending, { kind: K }>,
      settle: () => this.waiting.delete(key),
    };
  }
}
