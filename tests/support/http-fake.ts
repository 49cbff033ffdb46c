import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeHandler = (
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
) => void | Promise<void>;

export interface LoopbackServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** A plain HTTP server on an ephemeral loopback port, for the channels' API fakes. */
export async function startLoopbackServer(handler: FakeHandler): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      Promise.resolve(handler(request, Buffer.concat(chunks), response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves one small file, standing in for the hub's signed file links. */
export async function startFileServer(): Promise<LoopbackServer & { fileUrl: string }> {
  const served = await startLoopbackServer((_request, _body, response) => {
    response.setHeader('content-type', 'application/pdf');
    response.end(Buffer.from('%PDF-1.4 linehub test invoice'));
  });
  return { ...served, fileUrl: `${served.url}/files/invoice.pdf` };
}
