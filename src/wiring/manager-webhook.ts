import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { BotError, GrammyError, HttpError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { telegramUpdateSchema } from '../../channels/telegram/update-schema';
import { ReplyTargetPending } from '../app/messaging/staff-reply';
import { systemClock, type Clock } from '../domain/ports';
import type { Logger } from '../infra/logger';
import { isDuplicateKeyError } from '../store/database';
import type { UpdateClaims } from '../store/repositories/manager-update.repository';

const DRAIN_LIMIT_MS = 5000;
/**
 * How long a handling holds its update before a redelivery may take it over: a process that died
 * mid-handling leaves it this long. Renewed while the handling runs, however long that is.
 */
const CLAIM_LEASE_MS = 20_000;
const CLAIM_RENEW_MS = 5000;

export interface ManagerWebhookOptions<C extends Context> {
  bot: Bot<C>;
  secret: string;
  bodyLimit: string;
  /** The answer is due by then: Telegram (and grammY's own webhook) give up at 10 s. */
  deadlineMs: number;
  claims: UpdateClaims;
  logger: Logger;
  clock?: Clock;
}

export interface ManagerWebhook {
  handlers: RequestHandler[];
  /** Waits for updates still being handled after their answer went out (shutdown). */
  drain(): Promise<void>;
}

/**
 * Whether a failed handling may succeed if done again: the Bot API rate-limiting or down, the
 * network, the database, a card not recorded yet. Anything else would fail the same way again.
 */
function passing(error: unknown): boolean {
  if (error instanceof ReplyTargetPending || error instanceof HttpError) return true;
  if (error instanceof GrammyError) return error.error_code === 429 || error.error_code >= 500;
  // The driver's and mongoose's errors of a sick database; a duplicate key is an answer, final.
  return error instanceof Error && error.name.startsWith('Mongo') && !isDuplicateKeyError(error);
}

type Outcome = 'handled' | 'duplicate' | 'busy' | 'retry';

/**
 * The manager bot's webhook. Not grammY's `webhookCallback`: with `onTimeout: 'return'` it answers
 * in time, but an update that fails after the timeout still rejects a promise nobody handles
 * (its `task.finally(...)` in timeoutIfNecessary), which ends the process. Here the work can
 * never reject, and the update counts as taken only once its handling finished, so a 2xx means
 * "done" and Telegram's redelivery is what retries anything else:
 *  - wrong secret 401, wrong-typed update 400, before anything is read or stored;
 *  - handled (or failed for good, and the person was told) 200, and every redelivery 200 too;
 *  - failed on something passing (a 429, the database, a card not recorded yet) 503: the claim is
 *    dropped and the redelivery handles it again (replies are queued under their cause, once);
 *  - not claimed in time, still running at the deadline, or running under another delivery 503:
 *    a redelivery once it has finished is answered 200, one after a crash takes it over.
 */
export function managerWebhook<C extends Context>(
  options: ManagerWebhookOptions<C>,
): ManagerWebhook {
  const { bot, claims, logger } = options;
  const clock = options.clock ?? systemClock;
  const running = new Set<Promise<void>>();
  const expected = createHash('sha256').update(options.secret).digest();
  const leaseUntil = () => new Date(clock.now().getTime() + CLAIM_LEASE_MS);

  /** Handles a claimed update: 'retry' when it failed on something passing. */
  const handle = async (update: Update): Promise<'handled' | 'retry'> => {
    try {
      await bot.handleUpdate(update);
      return 'handled';
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      if (passing(error.error)) {
        logger.warn(
          { err: error.error, updateId: update.update_id },
          'manager update failed on something passing; it is handled again when redelivered',
        );
        return 'retry';
      }
      // grammY runs `bot.catch` only when polling; the webhook path gets the same answer here.
      await bot.errorHandler(error);
      return 'handled';
    }
  };

  const work = async (update: Update): Promise<Outcome> => {
    const id = update.update_id;
    if (!bot.isInited()) await bot.init();
    const claimed = await claims.claim(id, leaseUntil());
    if (claimed === 'done') return 'duplicate';
    if (claimed === 'running') return 'busy';
    const renewal = setInterval(() => {
      claims.renew(id, leaseUntil()).catch((error: unknown) => {
        logger.warn({ err: error, updateId: id }, 'could not renew a manager update claim');
      });
    }, CLAIM_RENEW_MS);
    try {
      if ((await handle(update)) === 'retry') {
        await claims.release(id);
        return 'retry';
      }
      // Should this write fail, the claim runs out and a redelivery does the (idempotent) work again.
      await claims.finish(id);
      return 'handled';
    } finally {
      clearInterval(renewal);
    }
  };

  // Before the body is even parsed: without the secret nothing about the call matters.
  const auth: RequestHandler = (req, res, next) => {
    const given = req.get('x-telegram-bot-api-secret-token') ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.status(401).json({ error: 'bad_secret_token' });
      return;
    }
    next();
  };

  const route: RequestHandler = async (req, res) => {
    const parsed = telegramUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.slice(0, 5) }, 'refused a manager update');
      res.status(400).json({ error: 'malformed_update' });
      return;
    }
    // Checked above; grammY gets the update as Telegram sent it, with every field it may read.
    const update: Update = req.body;
    const done = work(update).catch((error: unknown): 'failed' => {
      logger.error({ err: error, updateId: update.update_id }, 'manager update failed');
      return 'failed';
    });
    const tracked = done.then(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), options.deadlineMs);
    });
    const outcome = await Promise.race([done, deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      logger.warn({ updateId: update.update_id }, 'manager update outlived the webhook deadline');
    }
    if (outcome !== 'handled' && outcome !== 'duplicate') {
      res.status(503).json({ error: 'unavailable' });
      return;
    }
    res.status(200).json({ ok: true, ...(outcome === 'duplicate' ? { duplicate: true } : {}) });
  };

  return {
    handlers: [auth, express.json({ limit: options.bodyLimit }), route],
    async drain() {
      // Bounded: a Bot API call that hangs must not hold the shutdown for grammY's 500 s.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running),
        new Promise((resolve) => {
          timer = setTimeout(resolve, DRAIN_LIMIT_MS);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
