import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { DatabaseProbe } from '../domain/ports';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import { bearer } from './bearer';

export interface HttpAppDeps {
  probe: DatabaseProbe;
  metrics: Metrics;
  logger: Logger;
  /** When set, /metrics answers only with `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken?: string;
  /** Routers contributed by channels and APIs, mounted after the built-in endpoints. */
  routers?: express.Router[];
}

/**
 * Ping budget for /health and /ready: a load balancer's check must answer quickly even when
 * Mongo hangs (the probe enforces it with its own timer, not only the driver's).
 */
const HEALTH_PING_TIMEOUT_MS = 1500;

export function createHttpApp(deps: HttpAppDeps): Express {
  const { probe, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(requestMetrics(metrics));

  // Liveness: the process answers. The database's state is reported but never fails it, so a
  // database outage does not get a healthy hub restarted (and restarted again) by its supervisor.
  app.get('/health', async (_req, res) => {
    const up = await probe.ping(HEALTH_PING_TIMEOUT_MS);
    res.status(200).json({ status: 'ok', database: up ? 'up' : 'down' });
  });

  // Readiness: traffic is worth sending only while the database answers.
  app.get('/ready', async (_req, res) => {
    const up = await probe.ping(HEALTH_PING_TIMEOUT_MS);
    res
      .status(up ? 200 : 503)
      .json({ status: up ? 'ready' : 'unavailable', database: up ? 'up' : 'down' });
  });

  app.get(
    '/metrics',
    ...(deps.metricsToken ? [bearer(deps.metricsToken)] : []),
    async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );

  for (const router of deps.routers ?? []) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(errorHandler(logger));
  return app;
}

/**
 * helmet's defaults, less what would break the hub's own embedding: widget.js and stored files
 * are loaded from customers' sites (cross-origin resource policy), and the widget's pages keep
 * their scripts (no blanket CSP; files carry their own `sandbox` CSP).
 */
function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: false,
  });
}

function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpRequests.startTimer({ method: req.method });
    res.on('finish', () => {
      // The matched route pattern, not the raw path, keeps label cardinality bounded.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ route: String(route), status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * Body-parser errors carry the status to answer (400 malformed, 413 too large); anything else is
 * our fault and is logged with the request so it can be replayed.
 */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      logger.warn({ err: error, path: req.path }, 'rejected request');
      res.status(status).json({ error: (error as { type?: string }).type ?? 'bad_request' });
      return;
    }
    logger.error({ err: error, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal' });
  };
}
