import type { Router } from 'express';
import type { ChannelAdapter } from '../../channels/contract';
import type { Config } from '../config/config';
import type { Clock } from '../domain/ports';
import { filesRouter } from '../http/files.router';
import { importRouter } from '../http/import.router';
import { intakeRouter } from '../http/intake.router';
import { recordsRouter } from '../http/records.router';
import { webhooksRouter } from '../http/webhooks.router';
import type { FileLinks } from '../infra/file-links';
import type { Translator } from '../infra/i18n';
import { IntakeTexts } from '../infra/intake-texts';
import type { Logger } from '../infra/logger';
import type { Stores } from '../store/stores';
import type { ProcessParts } from './process';
import type { RoutingParts } from './routing';
import type { TransferParts } from './transfer';

/**
 * Every route of the hub, in the order they are mounted: the channels' webhooks, the public API
 * and site intake where their keys are configured, the manager bot's webhook, signed file links,
 * the widget's script, and the extras (the sandbox's page).
 */
export function hubRouters(deps: {
  config: Config;
  stores: Stores;
  adapters: ChannelAdapter[];
  process: ProcessParts;
  routing: RoutingParts;
  transfer: TransferParts;
  translator: Translator;
  links: FileLinks;
  clock: Clock;
  logger: Logger;
  /** The manager bot's webhook route, when the bot is on. */
  managerBot?: Router;
  widget: Router;
  extras: Router[];
}): Router[] {
  const { env } = deps.config;
  const { logger, process } = deps;
  return [
    webhooksRouter({
      adapters: deps.adapters,
      bodyLimit: env.HTTP_BODY_LIMIT,
      logger,
      deadlineMs: env.WEBHOOK_DEADLINE_MS,
    }),
    ...(env.API_TOKEN
      ? [
          recordsRouter({
            engine: process.engine,
            token: env.API_TOKEN,
            bodyLimit: env.HTTP_BODY_LIMIT,
            ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
          }),
          importRouter({
            importer: deps.transfer.importDeps,
            token: env.API_TOKEN,
            translator: deps.translator,
            defaultLocale: env.DEFAULT_LOCALE,
            ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
          }),
        ]
      : []),
    ...(env.INTEGRATION_KEYS.size > 0
      ? [
          intakeRouter({
            leads: {
              contacts: deps.stores.contacts,
              records: deps.stores.openRecords,
              leads: process.engine,
              route: deps.routing.route,
              clock: deps.clock,
              repeatTitle: new IntakeTexts(deps.translator).repeatTitle,
            },
            keys: env.INTEGRATION_KEYS,
            bodyLimit: env.HTTP_BODY_LIMIT,
            ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
            logger,
          }),
        ]
      : []),
    ...(deps.managerBot ? [deps.managerBot] : []),
    filesRouter({ files: deps.stores.files, links: deps.links }),
    deps.widget,
    ...deps.extras,
  ];
}
