import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config/config';
import { ProcessDefinitionError } from './config/process/load-definition';
import { startHub } from './hub';
import { startSandbox } from './sandbox/sandbox';
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
  const hub = await startHubOrSandbox(config, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void hub.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * `--sandbox` (npm run sandbox), or no channel credentials at all: nothing real could reach such a
 * hub, so it starts as the sandbox on its own embedded database, on loopback. Any credential makes
 * it the real hub (unless `--sandbox` is asked for), which has no sandbox in it.
 */
async function startHubOrSandbox(
  config: Config,
  logger: ReturnType<typeof createLogger>,
): Promise<{ stop(): Promise<void> }> {
  const args = process.argv.slice(2);
  const asked = args.includes('--sandbox');
  if (!asked && config.enabledChannels.length > 0) return startHub(config, { logger });
  if (!asked) {
    logger.info(
      'no channel credentials set: starting the sandbox (every channel played on one page); ' +
        "set TELEGRAM_MANAGER_BOT_TOKEN and the other channels' credentials to run for real",
    );
  }
  // Never a configured database: demo data must not land in a company's, nor `--reset` drop it.
  if (config.mongodbUri) logger.info('the sandbox ignores MONGODB_URI: it keeps its own database');
  const env = { ...process.env, MONGODB_URI: undefined };
  const sandbox = await startSandbox({ env, logger, reset: args.includes('--reset') });
  // Plainly, beside the JSON log: the one thing a newcomer needs from the terminal.
  process.stdout.write(`\n  linehub sandbox: ${sandbox.url}\n\n`);
  return sandbox;
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
