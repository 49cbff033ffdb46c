import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  inboundMessages: Counter<'channel' | 'result'>;
  /** Every command the driver sends: the benchmark and tests read round trips per message here. */
  databaseCommands: Counter<'command' | 'collection'>;
  unhandledRejections: Counter;
}

/**
 * Process-wide, like the rejections it counts (main.ts's handler knows no hub); every hub's
 * registry exposes it.
 */
export const unhandledRejections = new Counter({
  name: 'linehub_unhandled_rejections_total',
  help: 'Promise rejections nobody handled: logged and survived, each one a bug to fix',
  registers: [],
});

/** One registry per hub instance, so several hubs in one test process do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linehub_' });
  registry.registerMetric(unhandledRejections);
  return {
    unhandledRejections,
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
    databaseCommands: new Counter({
      name: 'linehub_db_commands_total',
      help: 'Database round trips by command and collection',
      labelNames: ['command', 'collection'],
      registers: [registry],
    }),
  };
}

/** Counts the driver's commands (the client must be made with `monitorCommands: true`). */
export function countDatabaseCommands(client: MongoClient, counter: Metrics['databaseCommands']) {
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const target: unknown = event.command[event.commandName];
    counter.inc({
      command: event.commandName,
      collection: typeof target === 'string' ? target : '',
    });
  });
}
