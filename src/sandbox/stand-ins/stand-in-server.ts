import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApiStandIn, type BotName } from './bot-api';
import { ChatLog } from './chat-log';
import { CustomerApisStandIn } from './customer-apis';

export interface StandInCredentials {
  botTokens: Record<BotName, string>;
  vkToken: string;
  viberToken: string;
}

export interface StandIns {
  log: ChatLog;
  telegram: BotApiStandIn;
  /** Base URLs to give the hub: TELEGRAM_API_ROOT, VK_API_BASE_URL, VIBER_API_BASE_URL. */
  urls: { telegram: string; vk: string; viber: string };
  close(): Promise<void>;
}

/**
 * The messengers' APIs the hub talks to, on one ephemeral loopback port and nowhere else: the
 * sandbox's peers instead of api.telegram.org, api.vk.com and chatapi.viber.com.
 */
export async function startStandIns(
  credentials: StandInCredentials,
  fileUrl: (id: string) => string,
): Promise<StandIns> {
  const log = new ChatLog();
  const telegram = new BotApiStandIn(log, credentials.botTokens, fileUrl);
  const customers = new CustomerApisStandIn(log, credentials);
  const routes: [string, (typeof telegram)['handle']][] = [
    ['/telegram', (req, body, res) => telegram.handle(req, body, res)],
    ['/vk', (req, body, res) => customers.handleVk(req, body, res)],
    ['/viber', (req, body, res) => customers.handleViber(req, body, res)],
  ];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = routes.find(([prefix]) => request.url?.startsWith(`${prefix}/`));
      if (!route) {
        response.writeHead(404).end();
        return;
      }
      request.url = request.url!.slice(route[0].length);
      try {
        route[1](request, Buffer.concat(chunks), response);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    log,
    telegram,
    urls: { telegram: `${base}/telegram`, vk: `${base}/vk/method`, viber: `${base}/viber` },
    async close() {
      telegram.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
