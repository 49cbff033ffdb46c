import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  inboundMessages: Counter<'channel' | 'result'>;
}

/** One registry per hub instance, so several hubs in one test process do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linehub_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'linehub_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inboundMessages: new Counter({
      name: 'linehub_inbound_messages_total',
      help: 'Inbound customer messages by channel and result (stored, duplicate)',
      labelNames: ['channel', 'result'],
      registers: [registry],
    }),
  };
}
