import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { createSiteLead, type SiteLeadInput } from '../app/intake/site-lead';
import { ProcessError } from '../app/process/errors';
import { UTM_KEYS, utmFromUrl, type Utm } from '../domain/lead';
import type { Logger } from '../infra/logger';
import { answerProcessError } from './process-errors';
import { PUBLIC_RATE_LIMIT_PER_MINUTE, publicRateLimit } from './rate-limit';

type LeadDeps = Parameters<typeof createSiteLead>[0];

const text = z.string().trim().max(2000).optional();
const formBody = z.looseObject({
  name: text,
  phone: text,
  email: text,
  comment: text,
  message: text,
  page_url: text,
  referrer: text,
  ...Object.fromEntries(UTM_KEYS.map((key) => [`utm_${key}`, text])),
});
const callBody = z.looseObject({
  caller: z.string().trim().min(3).max(40),
  tracking_source: text,
  name: text,
  ...Object.fromEntries(UTM_KEYS.map((key) => [`utm_${key}`, text])),
});

/**
 * Site forms and call tracking (`POST /api/forms/:formId`, `POST /api/calls`): each integration
 * has its own key (INTEGRATION_KEYS), sent as `X-Api-Key` or `?key=` for plain HTML forms.
 */
export function intakeRouter(deps: {
  leads: LeadDeps;
  keys: Map<string, string>;
  bodyLimit: string;
  logger: Logger;
  ratePerMinute?: number;
}): Router {
  const router = express.Router();
  // One limiter for both paths: they are one integration surface, reachable by anyone.
  const limit = publicRateLimit(deps.ratePerMinute ?? PUBLIC_RATE_LIMIT_PER_MINUTE);
  const parse = [
    express.json({ limit: deps.bodyLimit }),
    express.urlencoded({ extended: false, limit: deps.bodyLimit }),
  ];
  const auth = integrationKey(deps.keys);

  const create =
    <S extends z.ZodType>(
      schema: S,
      toInput: (body: z.infer<S>, formId?: string) => SiteLeadInput,
    ): RequestHandler =>
    async (req, res) => {
      const body = schema.safeParse(req.body ?? {});
      if (!body.success) {
        deps.logger.warn({ path: req.path, issues: body.error.issues }, 'refused an intake call');
        res
          .status(400)
          .json({ error: 'invalid_body', issues: body.error.issues.map((i) => i.message) });
        return;
      }
      try {
        const formId = typeof req.params.formId === 'string' ? req.params.formId : undefined;
        const result = await createSiteLead(deps.leads, toInput(body.data, formId));
        res.status(result.created ? 201 : 200).json({
          [result.subject.kind]: result.subject.id,
          created: result.created,
        });
      } catch (error) {
        if (!(error instanceof ProcessError)) throw error;
        answerProcessError(res, error);
      }
    };

  router.post(
    '/api/forms/:formId',
    limit,
    auth,
    ...parse,
    create(formBody, (body, formId) => ({
      source: { kind: 'form', formId: formId! },
      ...present({ name: body.name, phone: body.phone, email: body.email }),
      ...present({ comment: body.comment ?? body.message }),
      utm: { ...utmFromUrl(body.page_url), ...utmOf(body) },
      ...present({ referrer: body.referrer, landingUrl: body.page_url }),
    })),
  );
  router.post(
    '/api/calls',
    limit,
    auth,
    ...parse,
    create(callBody, (body) => ({
      source: {
        kind: 'call',
        ...(body.tracking_source ? { trackingSource: body.tracking_source } : {}),
      },
      phone: body.caller,
      ...present({ name: body.name }),
      utm: utmOf(body),
    })),
  );
  return router;
}

function integrationKey(keys: Map<string, string>): RequestHandler {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const known = [...keys.values()].map(digest);
  return (req, res, next) => {
    const given = req.get('x-api-key') ?? (typeof req.query.key === 'string' ? req.query.key : '');
    const presented = digest(given);
    if (!given || !known.some((key) => timingSafeEqual(key, presented))) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    next();
  };
}

function utmOf(body: Record<string, unknown>): Utm {
  const utm: Utm = {};
  for (const key of UTM_KEYS) {
    const value = body[`utm_${key}`];
    if (typeof value === 'string' && value) utm[key] = value;
  }
  return utm;
}

/** Only the keys with a value, so optional properties stay absent rather than undefined. */
function present<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value)) as Partial<
    Record<keyof T, string>
  >;
}
