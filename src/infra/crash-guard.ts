import type { Counter } from 'prom-client';
import type { Logger } from './logger';

interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

/**
 * A rejection nobody handled is a bug, but one failed update or send must not take down every
 * conversation the hub holds (and a crash loop under redelivery): it is logged at error level and
 * counted, never silenced. An uncaught exception may have left state half-changed, so the process
 * logs it and exits for its supervisor to restart it.
 */
export function installCrashGuard(options: {
  target: ProcessEvents;
  logger: Logger;
  counter: Counter;
  exit: (code: number) => void;
}): void {
  const { target, logger, counter, exit } = options;
  target.on('unhandledRejection', (reason) => {
    counter.inc();
    logger.error({ err: reason }, 'unhandled promise rejection (survived; this is a bug)');
  });
  target.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    // pino writes synchronously to stdout by default, so the line is out before the exit.
    exit(1);
  });
}
