/**
 * A full garbage collection in the hub, asked through its inspector (the hub runs with
 * `--inspect=127.0.0.1:0` for the scenarios that need it): P5's heap per socket is then what the
 * sockets keep alive, not whatever garbage the connecting left behind for the next GC.
 */
import WebSocket from 'ws';

/** The inspector's address in the hub's output (`Debugger listening on ws://…`). */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/** Lines the inspector prints on its own: not the hub's warnings. */
export const isInspectorLine = (line: string) =>
  /^(Debugger listening on|For help, see: |Debugger attached|Waiting for the debugger)/.test(
    line.trim(),
  );

export async function collectGarbage(url: string, timeoutMs = 30_000): Promise<void> {
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the inspector did not answer')), timeoutMs);
      socket.once('error', reject);
      socket.once('open', () =>
        socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
      );
      socket.on('message', (data: WebSocket.RawData) => {
        const answer = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        clearTimeout(timer);
        if (answer.error) reject(new Error(answer.error.message));
        else resolve();
      });
    });
  } finally {
    socket.close();
  }
}
