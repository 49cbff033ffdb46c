import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { SYSTEM } from '../app/process/actor';
import type { ProcessEngine } from '../app/process/engine';
import { ProcessError } from '../app/process/errors';
import type { TaskSubject } from '../domain/task';
import { answerProcessError } from './process-errors';
import { PUBLIC_RATE_LIMIT_PER_MINUTE, publicRateLimit } from './rate-limit';
import { bearer } from './bearer';

const moveBody = z.object({ to: z.string().min(1), reason: z.string().optional() }).strict();
const fieldsBody = z.object({ fields: z.record(z.string(), z.unknown()) }).strict();

function subjectOf(kind: string | undefined, id: string | undefined): TaskSubject | undefined {
  if ((kind !== 'lead' && kind !== 'deal') || !id || !/^[0-9a-f]{24}$/.test(id)) return undefined;
  return { kind, id };
}

/**
 * The integration API over the same use cases as the bot: required fields, allowed moves and
 * reasons hold here exactly as they do in Telegram.
 */
export function recordsRouter(deps: {
  engine: ProcessEngine;
  token: string;
  bodyLimit: string;
  ratePerMinute?: number;
}): Router {
  const router = express.Router();
  router.use(
    '/api/records',
    publicRateLimit(deps.ratePerMinute ?? PUBLIC_RATE_LIMIT_PER_MINUTE),
    bearer(deps.token),
    express.json({ limit: deps.bodyLimit }),
  );

  const handle =
    <S extends z.ZodType>(
      schema: S,
      action: (subject: TaskSubject, body: z.infer<S>) => Promise<unknown>,
    ): RequestHandler =>
    async (req, res) => {
      const subject = subjectOf(
        req.params.kind as string | undefined,
        req.params.id as string | undefined,
      );
      if (!subject) {
        res.status(404).json({ error: 'not_found' });
        return;
      }
      const body = schema.safeParse(req.body);
      if (!body.success) {
        res
          .status(400)
          .json({ error: 'invalid_body', issues: body.error.issues.map((i) => i.message) });
        return;
      }
      try {
        res.json(await action(subject, body.data));
      } catch (error) {
        if (!(error instanceof ProcessError)) throw error;
        answerProcessError(res, error);
      }
    };

  router.post(
    '/api/records/:kind/:id/stage',
    handle(moveBody, async (subject, body) => {
      await deps.engine.moveStage(subject, body.to, SYSTEM, body.reason);
      return { ok: true, stage: body.to };
    }),
  );
  router.patch(
    '/api/records/:kind/:id/fields',
    handle(fieldsBody, async (subject, body) => {
      await deps.engine.fillFields(subject, body.fields, SYSTEM);
      return { ok: true };
    }),
  );
  return router;
}
