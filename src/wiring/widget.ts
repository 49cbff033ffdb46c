import type { Server } from 'node:http';
import type { Router } from 'express';
import { createWidgetChannel, type WidgetChannel } from '../../channels/widget';
import { createWidgetAssets } from '../../widget/server/widget-assets';
import type { Env } from '../config/env.schema';
import type { Clock, FileStore } from '../domain/ports';
import { widgetRouter } from '../http/widget.router';
import { LOCALES, type Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import type { WidgetChats } from '../store/repositories/widget-chat.repository';

export interface WidgetParts {
  adapter: WidgetChannel;
  router: Router;
  attach(server: Server): void;
}

/** The site widget: its socket.io channel over the store, and the routes serving the script. */
export function createWidget(deps: {
  env: Env;
  chats: WidgetChats;
  files: FileStore;
  fileUrl: (fileId: string, name: string) => string;
  translator: Translator;
  logger: Logger;
  clock: Clock;
}): WidgetParts {
  const { env, chats, logger } = deps;
  // The hub fills in a per-process secret when none is configured, and warns about it.
  if (!env.HUB_SECRET) throw new Error('the widget needs HUB_SECRET to sign visitor tokens');
  const adapter = createWidgetChannel({
    siteKey: env.WIDGET_SITE_KEY,
    secret: env.HUB_SECRET,
    prechatFields: env.WIDGET_PRECHAT_FIELDS,
    files: deps.files,
    fileUrl: deps.fileUrl,
    history: (chatId) => chats.history(chatId),
    anyoneOnline: () => chats.anyoneOnline(),
    onSeen: (chatId) => chats.markSeen(chatId),
    onError: (error, context) => logger.error({ err: error }, context),
    clock: deps.clock,
  });
  // The script carries every language's texts; the page picks one.
  const strings = Object.fromEntries(
    LOCALES.map((lng) => [
      lng,
      deps.translator.instance.getResourceBundle(lng, 'widget') as Record<string, unknown>,
    ]),
  );
  const router = widgetRouter({
    assets: createWidgetAssets(strings),
    siteKey: env.WIDGET_SITE_KEY,
    defaultLocale: env.DEFAULT_LOCALE,
  });
  return { adapter, router, attach: (server) => adapter.attach(server) };
}
