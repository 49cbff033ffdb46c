import { loadConfig } from '../../src/config/config';
import { startHub, type Hub, type HubOptions } from '../../src/hub';
import { silentLogger } from './database';

/** A whole hub in this process on an ephemeral port, against the given database. */
export function startTestHub(
  mongodbUri: string,
  env: NodeJS.ProcessEnv = {},
  options: Omit<HubOptions, 'logger'> = {},
): Promise<Hub> {
  // A loaded CI machine can take seconds to store a webhook; the deadline's own tests set theirs.
  const config = loadConfig({
    PORT: '0',
    MONGODB_URI: mongodbUri,
    WEBHOOK_DEADLINE_MS: '30000',
    ...env,
  });
  return startHub(config, { logger: silentLogger, schedulerProcessEveryMs: 100, ...options });
}

export async function getHealth(hub: Hub): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${hub.port}/health`);
  return { status: response.status, body: await response.json() };
}
