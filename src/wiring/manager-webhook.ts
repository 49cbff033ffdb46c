import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { BotError, type Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { telegramUpdateSchema } from '../../channels/telegram/update-schema';
import type { Logger } from '../infra/logger';
import type { UpdateClaims } from '../store/repositories/manager-update.repository';

const DRAIN_LIMIT_MS = 5000;

export interface ManagerWebhookOptions<C extends Context> {
  bot: Bot<C>;
  secret: string;
  bodyLimit: string;
  /** The answer is due by then: Telegram (and grammY's own webhook) give up at 10 s. */
  deadlineMs: number;
  claims: UpdateClaims;
  logger: Logger;
}

export interface ManagerWebhook {
  handlers: RequestHandler[];
  /** Waits for updates still being handled after their answer went out (shutdown). */
  drain(): Promise<void>;
}

/**
 * The manager bot's webhook. Not grammY's `webhookCallback`: with `onTimeout: 'return'` it answers
 * in time, but an update that fails after the timeout still rejects a promise nobody handles
 * (its `task.finally(...)` in timeoutIfNecessary), which ends the process. Here the work can
 * never reject, and the answer depends only on how far the update got by the deadline:
 *  - wrong secret 401, wrong-typed update 400, before anything is read or stored;
 *  - not yet claimed (the database is slow or down) 503: Telegram delivers again, and if the
 *    claim did land late the update is handled by this delivery and the next one is skipped;
 *  - claimed (handled, failed and told the person, or still running) 200: a redelivery would
 *    only be skipped, so it is not asked for.
 */
export function managerWebhook<C extends Context>(
  options: ManagerWebhookOptions<C>,
): ManagerWebhook {
  const { bot, claims, logger } = options;
  const running = new Set<Promise<void>>();
  const expected = createHash('sha256').update(options.secret).digest();

  const handle = async (update: Update): Promise<void> => {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      // grammY runs `bot.catch` only when polling; the webhook path gets the same answer here.
      if (error instanceof BotError) await bot.errorHandler(error);
      else throw error;
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
    const state: { phase: 'claiming' | 'handling' | 'duplicate' } = { phase: 'claiming' };
    const work = (async () => {
      if (!bot.isInited()) await bot.init();
      if (!(await claims.claim(update.update_id))) {
        state.phase = 'duplicate';
        logger.info({ updateId: update.update_id }, 'skipped a manager update already taken');
        return;
      }
      state.phase = 'handling';
      await handle(update);
    })().catch((error: unknown) => {
      logger.error({ err: error, updateId: update.update_id, ...state }, 'manager update failed');
      if (state.phase === 'claiming') throw error;
    });
    const tracked = work.catch(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), options.deadlineMs);
    });
    const outcome = await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'failed' as const,
      ),
      deadline,
    ]);
    clearTimeout(timer);
    if (outcome === 'late' && state.phase === 'handling') {
      logger.warn({ updateId: update.update_id }, 'manager update outlived the webhook deadline');
    }
    if (outcome === 'failed' || state.phase === 'claiming') {
      res.status(503).json({ error: 'unavailable' });
      return;
    }
    res.status(200).json({ ok: true, ...(state.phase === 'duplicate' ? { duplicate: true } : {}) });
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
