/** The customer-facing channels. Adding one means one adapter folder under `channels/`. */
export const CHANNELS = ['telegram', 'vk', 'viber', 'widget'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Where a customer can be reached in one channel (a chat id, a VK peer id, a Viber user id…). */
export interface ChannelIdentity {
  channel: Channel;
  externalId: string;
}

/** One string per identity, for exact-match lookups and indexes. */
export function identityKey(identity: ChannelIdentity): string {
  return `${identity.channel}:${identity.externalId}`;
}
