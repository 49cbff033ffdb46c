/** The customer-facing channels. Adding one means one adapter folder under `channels/`. */
export const CHANNELS = ['telegram', 'vk', 'viber', 'widget'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Which of a channel's accounts (a second Telegram bot, another VK community, another Viber
 * account) a customer wrote to, by the name configuration gives it. Absent means the channel's
 * default account, the one its single variables set up, so data stored before accounts existed
 * needs no migration.
 */
export type AccountId = string;

/** Where a customer can be reached in one channel (a chat id, a VK peer id, a Viber user id…). */
export interface ChannelIdentity {
  channel: Channel;
  /** Ids are per account (a Viber user id means nothing to another Viber account). */
  account?: AccountId;
  externalId: string;
}

/**
 * One string per identity, for exact-match lookups and indexes: `channel:externalId` for the
 * default account (as stored before accounts existed), `channel:account:externalId` otherwise.
 */
export function identityKey(identity: ChannelIdentity): string {
  return identity.account
    ? `${identity.channel}:${identity.account}:${identity.externalId}`
    : `${identity.channel}:${identity.externalId}`;
}

/** The chat a message came from, as an identity: what orders and locks one chat's messages. */
export function chatOf(message: {
  channel: Channel;
  account?: AccountId;
  chatId: string;
}): ChannelIdentity {
  return { channel: message.channel, ...accountOf(message), externalId: message.chatId };
}

/** `{ account }` when a non-default account is set, else nothing (optional fields stay absent). */
export function accountOf(from: { account?: AccountId | undefined }): { account?: AccountId } {
  // A stored document may hold null where nothing was set: that is the default account too.
  return from.account ? { account: from.account } : {};
}
