import type { Server as HttpServer } from 'node:http';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';
import { Server } from 'socket.io';
import { z } from 'zod';
import type {
  ChatEvent,
  ChatTarget,
  ClientEvents,
  ServerEvents,
  Snapshot,
  StepId,
} from '../../widget/sandbox/protocol';
import { bundleForBrowsers } from '../infra/browser-bundle';
import { PROJECT_ROOT } from '../infra/project-root';

const ENTRY = path.join(PROJECT_ROOT, 'widget', 'sandbox', 'main.ts');
const PAGE = path.join(PROJECT_ROOT, 'widget', 'sandbox', 'sandbox.html');
export const SOCKET_PATH = '/sandbox/socket.io';

/** What the page may ask of the sandbox. */
export interface SandboxControls {
  /** Everything the page shows, once the sandbox is ready to be shown. */
  snapshot(): Promise<Snapshot>;
  say(target: ChatTarget, text: string, replyTo?: number): Promise<void>;
  press(target: ChatTarget, messageId: number, data: string): void;
  reset(): Promise<void>;
  file(id: string): { name: string; mimeType: string; data: Buffer } | undefined;
}

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff'), key: z.string().max(40) }),
  z.object({ kind: z.literal('group'), as: z.string().max(40) }),
  z.object({ kind: z.literal('customer'), channel: z.enum(['telegram', 'vk', 'viber']) }),
]);
const text = z.string().trim().min(1).max(4096);
const messageId = z.number().int().positive();

export interface SandboxPage {
  router: Router;
  attach(server: HttpServer): void;
  broadcast(event: ChatEvent): void;
  steps(done: StepId[]): void;
  /** Lets the pages go before the server closes (they reconnect to the next one). */
  disconnect(): void;
}

/**
 * The `/sandbox` page: its HTML with the texts of the asked language, its script (bundled by
 * esbuild on first request, as the widget's is), files the bots sent, and a socket.io server of
 * its own path for live updates, beside the widget's on the same HTTP server.
 */
export function createSandboxPage(deps: {
  controls: SandboxControls;
  languages: readonly string[];
  defaultLanguage: string;
  /** The page's texts in one language (the `sandbox` namespace). */
  strings(language: string): Record<string, unknown>;
  onError(error: unknown): void;
}): SandboxPage {
  let script: Promise<string> | undefined;
  let io: Server<ClientEvents, ServerEvents> | undefined;
  const languageOf = (query: unknown) =>
    deps.languages.find((lng) => lng === query) ?? deps.defaultLanguage;

  const router = express.Router();
  router.get('/sandbox', (req, res) => {
    const lang = languageOf(req.query.lang);
    const html = readFileSync(PAGE, 'utf8')
      .replaceAll('%LANG%', lang)
      .replace('%STRINGS%', JSON.stringify(deps.strings(lang)).replaceAll('<', '\\u003c'));
    res.type('html').set('Cache-Control', 'no-store').send(html);
  });
  router.get('/sandbox/app.js', async (_req, res) => {
    script ??= bundle();
    script.catch(() => (script = undefined));
    res.type('application/javascript; charset=utf-8').send(await script);
  });
  router.get('/sandbox/files/:id', (req, res) => {
    const file = deps.controls.file(req.params.id);
    if (!file) return void res.status(404).end();
    res
      .type(file.mimeType)
      .set('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .send(file.data);
  });

  return {
    router,
    attach(server) {
      // Upgrades on other paths (the widget's) are none of this server's business.
      io = new Server<ClientEvents, ServerEvents>(server, {
        path: SOCKET_PATH,
        serveClient: false,
        destroyUpgrade: false,
      });
      io.on('connection', (socket) => {
        void deps.controls.snapshot().then((state) => socket.emit('snapshot', state));
        const guard = (work: () => Promise<void> | void) => {
          Promise.resolve()
            .then(work)
            .catch((error: unknown) => {
              deps.onError(error);
              socket.emit('problem', error instanceof Error ? error.message : String(error));
            });
        };
        socket.on('say', (to, body, replyTo) =>
          guard(() =>
            deps.controls.say(
              target.parse(to),
              text.parse(body),
              replyTo === undefined || replyTo === null ? undefined : messageId.parse(replyTo),
            ),
          ),
        );
        socket.on('press', (to, id, data) =>
          guard(() =>
            deps.controls.press(target.parse(to), messageId.parse(id), z.string().parse(data)),
          ),
        );
        socket.on('reset', () => guard(() => deps.controls.reset()));
      });
    },
    broadcast(event) {
      io?.emit('chat', event);
    },
    steps(done) {
      io?.emit('steps', done);
    },
    disconnect() {
      io?.disconnectSockets(true);
    },
  };
}

function bundle(): Promise<string> {
  return bundleForBrowsers(ENTRY);
}
