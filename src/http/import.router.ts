import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import { z } from 'zod';
import { importFile, type ImportDeps } from '../app/import/import-file';
import { IMPORT_KINDS, ImportRefused, type ImportKind } from '../app/import/ports';
import { refusedTable } from '../app/import/refused-table';
import type { Locale } from '../domain/user';
import type { Translator } from '../infra/i18n';
import { csvText } from '../infra/table-files';
import { bearer } from './bearer';
import { PUBLIC_RATE_LIMIT_PER_MINUTE, publicRateLimit } from './rate-limit';

const query = z.object({ kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]) });

const REFUSAL_STATUS: Record<ImportRefused['reason'], number> = {
  too_large: 413,
  unreadable: 400,
  missing_columns: 400,
  no_staff: 503,
};

/**
 * `POST /api/import?kind=leads|contacts` with the CSV or XLSX file as the body (any content
 * type), behind the API token like `/api/records`. A body over the limit is refused by its
 * Content-Length before a byte is read (and by counting, when it comes chunked). The answer
 * lists the lines imported, merged and refused (with the reason, in the caller's
 * Accept-Language), and the refused rows as CSV text to correct and send again.
 */
export function importRouter(deps: {
  importer: ImportDeps;
  token: string;
  translator: Translator;
  defaultLocale: Locale;
  ratePerMinute?: number;
}): Router {
  const router = express.Router();
  const limit = deps.importer.maxBytes;
  const lngOf = (req: Request): Locale =>
    (req.acceptsLanguages('ru', 'en') || deps.defaultLocale) as Locale;
  const tooLarge = (req: Request) => ({
    error: 'too_large',
    message: deps.translator.forLocale(lngOf(req))('transfer:import.tooLarge', {
      mb: Math.floor(limit / (1024 * 1024)),
    }),
  });

  router.post(
    '/api/import',
    publicRateLimit(deps.ratePerMinute ?? PUBLIC_RATE_LIMIT_PER_MINUTE),
    bearer(deps.token),
    (req, res, next) => {
      if (Number(req.get('content-length') ?? 0) > limit) {
        res.status(413).set('connection', 'close').json(tooLarge(req));
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit }),
    async (req, res) => {
      const parsed = query.safeParse(req.query);
      if (!parsed.success) {
        res.status(400).json({ error: 'invalid_kind', expected: IMPORT_KINDS });
        return;
      }
      const t = deps.translator.forLocale(lngOf(req));
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const report = await importFile(deps.importer, {
          kind: parsed.data.kind,
          data,
          via: 'api',
        });
        const reasonOf = (reason: string) => t(`transfer:import.reasons.${reason}`);
        res.json({
          batchId: report.batchId,
          imported: report.imported,
          merged: report.merged,
          refused: report.refused.map((row) => ({
            line: row.line,
            reason: row.reason,
            message: reasonOf(row.reason),
          })),
          ...(report.refused.length > 0
            ? {
                refusedCsv: csvText(
                  refusedTable(report, {
                    line: t('transfer:import.lineColumn'),
                    reason: t('transfer:import.reasonColumn'),
                    reasonOf,
                  }),
                ),
              }
            : {}),
        });
      } catch (error) {
        if (!(error instanceof ImportRefused)) throw error;
        if (error.reason === 'too_large') {
          res.status(413).json(tooLarge(req));
          return;
        }
        res.status(REFUSAL_STATUS[error.reason]).json({
          error: error.reason,
          ...(error.missing.length > 0 ? { missing: error.missing } : {}),
          message:
            error.reason === 'missing_columns'
              ? t('transfer:import.missingColumns', {
                  columns: error.missing.map((c) => t(`transfer:import.columns.${c}`)).join(', '),
                })
              : t(`transfer:import.${error.reason === 'no_staff' ? 'noStaff' : 'unreadable'}`),
        });
      }
    },
  );
  // A chunked body that outgrows the limit while it is read.
  const oversize: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if ((error as { type?: string }).type !== 'entity.too.large') return next(error);
    res.status(413).set('connection', 'close').json(tooLarge(req));
  };
  router.use('/api/import', oversize);
  return router;
}
