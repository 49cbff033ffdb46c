import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/config';
import { ProcessDefinitionError } from './config/process/load-definition';
import { startHub } from './hub';
import { installCrashGuard } from './infra/crash-guard';
import { createLogger } from './infra/logger';
import { unhandledRejections } from './infra/metrics';

const SHUTDOWN_DEADLINE_MS = 20_000;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger(config.env.LOG_LEVEL);
  // Before anything starts, so a rejection during start-up is logged and counted too.
  installCrashGuard({
    target: process,
    logger,
    counter: unhandledRejections,
    exit: (code) => process.exit(code),
  });
  const hub = await startHub(config, { logger });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    hub.logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      hub.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void hub.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // A broken process definition is a configuration mistake: say where, without a stack trace.
  if (error instanceof ProcessDefinitionError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error('linehub failed to start:', error);
  process.exit(1);
});
