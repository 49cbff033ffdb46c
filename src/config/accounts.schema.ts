import { z } from 'zod';

/**
 * More accounts of a channel than its single variables configure (those stay the default
 * account): `name=credentials` pairs, comma-separated. The name goes into webhook paths and
 * stored ids, so it is short, lower-case and unique within its list.
 */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function accountList<T>(what: string, parse: (credentials: string) => T | undefined) {
  return z
    .string()
    .transform((value, ctx) => {
      const entries = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
          const at = part.indexOf('=');
          const account = part.slice(0, at);
          const credentials = at > 0 ? parse(part.slice(at + 1)) : undefined;
          return ACCOUNT_NAME.test(account) && credentials !== undefined
            ? { account, credentials }
            : undefined;
        });
      if (entries.some((entry) => entry === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected name=${what} pairs, names of a-z, 0-9, _ or - (up to 32)`,
        });
        return z.NEVER;
      }
      const names = entries.map((entry) => entry?.account);
      if (new Set(names).size !== names.length) {
        ctx.addIssue({ code: 'custom', message: 'expected each account name once' });
        return z.NEVER;
      }
      return entries.filter((entry) => entry !== undefined);
    })
    .default([]);
}

const token = (value: string) => (value.length > 0 && !/\s/.test(value) ? value : undefined);

/** `TELEGRAM_BOTS=spb=123456:AAE…,msk=654321:AAF…`: more customer bots, one token each. */
export const telegramBots = accountList('token', token);

/** `VIBER_ACCOUNTS=spb=<auth token>,…`: more Viber accounts. */
export const viberAccounts = accountList('auth token', token);

export interface VkGroupCredentials {
  groupId: number;
  token: string;
  secret: string;
  confirmationCode: string;
}

/** `VK_GROUPS=spb=<group id>:<token>:<callback secret>:<confirmation code>,…`: more communities. */
export const vkGroups = accountList(
  'group id:token:secret:confirmation code',
  (value): VkGroupCredentials | undefined => {
    const [groupId, groupToken, secret, confirmationCode, ...rest] = value.split(':');
    const id = Number(groupId);
    if (rest.length > 0 || !Number.isSafeInteger(id) || id <= 0) return undefined;
    if (!groupToken || !secret || !confirmationCode) return undefined;
    return { groupId: id, token: groupToken, secret, confirmationCode };
  },
);
