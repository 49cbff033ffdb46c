import { loadConfig } from '../../src/config/config';
import { startHub, type Hub, type HubOptions } from '../../src/hub';
import { silentLogger } from './database';

/** A whole hub in this process on an ephemeral port, against the given database. */
export function startTestHub(
  mongodbUri: string,
  env: NodeJS.ProcessEnv = {},
  options: Omit<HubOptions, 'logger'> = {},
): Promise<Hub> {
  const config = loadConfig({ PORT: '0', MONGODB_URI: mongodbUri, ...env });
  return startHub(config, { logger: silentLogger, schedulerProcessEveryMs: 100, ...options });
}

export async function getHealth(hub: Hub): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${hub.port}/health`);
  return { status: response.status, body: await response.json() };
}
