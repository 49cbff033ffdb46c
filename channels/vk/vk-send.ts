import { createHash, randomInt } from 'node:crypto';
import { APIError, APIRequest, type VK } from 'vk-io';
import { z } from 'zod';
import type { OutboundAttachment, OutboundMessage } from '../../src/domain/message';
import { ChannelSendError } from '../contract';
import { toChannelSendError } from './vk-errors';

const sendAnswerSchema = z.union([
  z.object({ response: z.number().int() }),
  z.object({
    error: z.object({
      error_code: z.number().int(),
      error_msg: z.string(),
      request_params: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
    }),
  }),
]);

/** Sends one message to a VK peer (a user, or a group chat the community is in). */
export async function sendVkMessage(
  vk: VK,
  chatId: string,
  message: OutboundMessage,
): Promise<{ externalId: string }> {
  const peerId = Number(chatId);
  if (!Number.isSafeInteger(peerId) || peerId === 0) {
    throw new ChannelSendError(`not a VK peer id: ${chatId}`, false);
  }
  try {
    const attachments: string[] = [];
    for (const file of message.attachments) attachments.push(await upload(vk, peerId, file));
    const messageId = await callMessagesSend(vk, {
      peer_id: peerId,
      random_id: randomIdFor(message.key),
      message: message.text,
      attachment: attachments.length > 0 ? attachments.join(',') : undefined,
    });
    return { externalId: String(messageId) };
  } catch (error) {
    throw toChannelSendError(error);
  }
}

/**
 * VK drops a messages.send whose random_id it has already seen from the community, so deriving it
 * from the outbox's key makes a retry after a lost answer deliver nothing twice.
 */
function randomIdFor(key: string | undefined): number {
  if (key === undefined) return randomInt(1, 2 ** 31);
  // 31 bits: VK stores random_id as a signed 32-bit number, and 0 turns the check off.
  return createHash('sha256').update(key).digest().readUInt32BE(0) >>> 1 || 1;
}

/**
 * VK plays only OGG Opus as voice and takes videos only with a user token, so anything that is not
 * a photo goes as a document the customer can open.
 */
async function upload(vk: VK, peerId: number, file: OutboundAttachment): Promise<string> {
  const source = {
    value: file.url,
    filename: file.name,
    ...(file.mimeType ? { contentType: file.mimeType } : {}),
  };
  const uploaded =
    file.kind === 'photo'
      ? await vk.upload.messagePhoto({ source, peer_id: peerId })
      : await vk.upload.messageDocument({ source, peer_id: peerId, title: file.name });
  return uploaded.toString();
}

/**
 * messages.send goes around vk-io's queue, which retries "too many requests" forever: the outbox
 * has to hear of a limit to pace itself, and random_id makes its retries safe.
 */
async function callMessagesSend(vk: VK, params: Record<string, unknown>): Promise<number> {
  const raw: unknown = await new APIRequest({
    api: vk.api,
    method: 'messages.send',
    params,
  }).make();
  const answer = sendAnswerSchema.safeParse(raw);
  // JSON of another shape (a proxy, an API change) says nothing was sent, so a retry is safe.
  if (!answer.success) throw new Error('messages.send answered with no message id or error');
  if ('error' in answer.data) throw new APIError(answer.data.error);
  return answer.data.response;
}
