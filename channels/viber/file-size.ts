import { ChannelSendError } from '../contract';
import { networkError } from './viber-errors';

/**
 * Viber refuses a file message without its size in bytes. A HEAD request usually tells; servers
 * that refuse HEAD or stream without Content-Length get a GET and the bytes are counted.
 */
export async function learnFileSize(url: string, timeoutMs: number): Promise<number> {
  const head = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) }).catch(
    () => undefined,
  );
  const announced = Number(head?.headers.get('content-length') ?? Number.NaN);
  if (head?.ok && Number.isSafeInteger(announced) && announced > 0) return announced;

  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      // A missing or expired link stays missing; a failing file server may recover.
      throw new ChannelSendError(
        `file ${url} answered HTTP ${response.status}`,
        response.status >= 500 || response.status === 408 || response.status === 429,
      );
    }
    return (await response.arrayBuffer()).byteLength;
  } catch (error) {
    if (error instanceof ChannelSendError) throw error;
    throw networkError(`fetching ${url} for its size`, error);
  }
}
