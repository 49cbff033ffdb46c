import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookRequest } from '../../channels/contract';
import { viberSignature } from '../../channels/viber/signature';
import { parseViberJson } from '../../channels/viber/viber-json';
import { bodyOf, webhookPost } from '../contract/channel-contract';

export const AUTH_TOKEN = '4e5a1c2b3d4f5a6b-9c8d7e6f5a4b3c2d-1e0f9a8b7c6d5e4f';
export const BOT_NAME = 'Диваны Ромашка';
export const GREETING = 'Здравствуйте! Напишите, чем помочь, менеджер ответит в течение 10 минут.';
export const SUBSCRIBER = 'iJx3qZ1dwTNGpWwhWqRWrQ==';
/**
 * Callbacks as the REST Bot API documents them (https://developers.viber.com/docs/api/rest-bot-api/
 * #callbacks, "Receive message from user" and the events around it; tests/fixtures/README.md).
 */
export const FIXTURES = join(__dirname, '../fixtures/viber');

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
}

/** Parsed as the adapter parses bodies, so the recorded 19-digit tokens stay exact. */
export function fixture(name: string): unknown {
  return parseViberJson(fixtureText(name));
}

/** A webhook call carrying `raw`, signed as Viber signs it, or wrongly. */
export function signed(
  raw: unknown,
  signature: 'valid' | 'wrong' | 'missing',
  token = AUTH_TOKEN,
): WebhookRequest {
  const rawBody = bodyOf(raw);
  const key = signature === 'wrong' ? `${token}x` : token;
  const headers =
    signature === 'missing'
      ? { 'content-type': 'application/json' }
      : {
          'content-type': 'application/json',
          'x-viber-content-signature': viberSignature(rawBody, key),
        };
  return webhookPost('/webhooks/viber', headers, rawBody);
}
