import type { AccountId } from '../src/domain/channel';
import type { Attachment, InboundMessage } from '../src/domain/message';
import { ChannelSendError, type ChannelAdapter, type WebhookEndpoint } from './contract';

/** One account of a channel (a bot, a community) and the adapter built for it. */
export interface ChannelAccount {
  /** Absent: the default account, the one the channel's single variables configure. */
  account?: AccountId;
  adapter: ChannelAdapter;
}

/** Where an account's webhook is mounted: the channel's own path, then the account's name. */
export function accountPath(path: string, account?: AccountId): string {
  return account ? `${path}/${account}` : path;
}

/**
 * The accounts of one channel as one adapter, so the hub keeps one adapter per channel. Inbound
 * messages are stamped with their account. The channel's ids are per account (two bots number
 * their messages and files each on their own), so a named account's message ids and file refs
 * carry its name in front (`<account>/<id>`): unique within the channel, as the contract asks,
 * and a file is fetched back through the account that can read it. The default account's ids
 * stay as they were stored before accounts existed. A send goes out through the account it names;
 * one for an account that is not configured (any more) fails as retryable, like a channel that
 * is not connected, and is never sent through another account.
 */
export function multiAccount(accounts: readonly ChannelAccount[]): ChannelAdapter {
  const [first] = accounts;
  if (!first) throw new Error('a channel needs at least one account');
  const byAccount = new Map(accounts.map(({ account, adapter }) => [account, adapter]));
  const named = accounts.filter(
    (entry): entry is Required<ChannelAccount> => entry.account !== undefined,
  );
  const webhooks = accounts.flatMap(({ account, adapter }) =>
    adapter.webhook ? [mountedAt(adapter.webhook, account)] : [],
  );

  return {
    id: first.adapter.id,
    ...(webhooks.length > 0 ? { webhooks } : {}),
    // Every account of a channel has the same limits; each adapter keeps its own besides.
    ...(first.adapter.perChatIntervalMs
      ? { perChatIntervalMs: first.adapter.perChatIntervalMs }
      : {}),
    ...(first.adapter.perSecond ? { perSecond: first.adapter.perSecond } : {}),

    async start(sink) {
      for (const { account, adapter } of accounts) {
        await adapter.start((message) => sink(account ? stamped(message, account) : message));
      }
    },

    async stop() {
      for (const { adapter } of accounts) await adapter.stop();
    },

    async send(chatId, message, account) {
      const adapter = byAccount.get(account || undefined);
      if (!adapter) {
        throw new ChannelSendError(
          `account ${account ?? '(default)'} of ${first.adapter.id} is not connected`,
          true,
        );
      }
      const sent = await adapter.send(chatId, message);
      return account ? { externalId: prefixed(account, sent.externalId) } : sent;
    },

    // Only for channels that fetch files at all (the hub keeps the others' itself).
    ...(first.adapter.fetchFile ? { fetchFile } : {}),
  };

  async function fetchFile(fileRef: string) {
    const owner = named.find(({ account }) => fileRef.startsWith(`${account}/`));
    const adapter = owner ? owner.adapter : byAccount.get(undefined);
    if (!adapter?.fetchFile) throw new Error(`no configured account can fetch ${fileRef}`);
    return adapter.fetchFile(owner ? fileRef.slice(owner.account.length + 1) : fileRef);
  }
}

const prefixed = (account: AccountId, id: string) => `${account}/${id}`;

function stamped(message: InboundMessage, account: AccountId): InboundMessage {
  return {
    ...message,
    account,
    externalId: prefixed(account, message.externalId),
    attachments: message.attachments.map((attachment): Attachment => ({
      ...attachment,
      fileRef: prefixed(account, attachment.fileRef),
    })),
  };
}

function mountedAt(webhook: WebhookEndpoint, account: AccountId | undefined): WebhookEndpoint {
  return {
    path: accountPath(webhook.path, account),
    ...(webhook.methods ? { methods: webhook.methods } : {}),
    handle: (request) => webhook.handle(request),
  };
}
