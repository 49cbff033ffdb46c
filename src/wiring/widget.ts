import type { Server } from 'node:http';
import express, { type Router } from 'express';
import { Types } from 'mongoose';
import {
  createWidgetChannel,
  type WidgetChannel,
  type WidgetHistoryItem,
} from '../../channels/widget';
import { createWidgetAssets } from '../../widget/server/widget-assets';
import type { Env } from '../config/env.schema';
import type { FileStore } from '../domain/ports';
import { LOCALES, type Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import type { Models } from '../store/models';
import type { MessageDoc } from '../store/models/message.model';
import { toAttachment } from '../store/repositories/message.repository';

/** Enough to scroll back through a long chat; older messages stay in the CRM. */
const HISTORY_LIMIT = 200;
/** Short, so a hub update reaches sites quickly; the ETag makes revalidation cheap. */
const SCRIPT_MAX_AGE_S = 300;

export interface WidgetParts {
  adapter: WidgetChannel;
  router: Router;
  attach(server: Server): void;
}

/** The site widget: its socket.io channel over the store, and the routes serving the script. */
export function createWidget(deps: {
  env: Env;
  models: Models;
  files: FileStore;
  fileUrl: (fileId: string, name: string) => string;
  translator: Translator;
  logger: Logger;
}): WidgetParts {
  const { env, models, logger } = deps;
  // The hub fills in a per-process secret when none is configured, and warns about it.
  if (!env.HUB_SECRET) throw new Error('the widget needs HUB_SECRET to sign visitor tokens');
  const secret = env.HUB_SECRET;
  const conversationIds = async (chatId: string) =>
    (
      await models.Conversation.find({ channel: 'widget', chatId })
        .select('_id')
        .lean<{ _id: Types.ObjectId }[]>()
    ).map((conversation) => conversation._id);

  const adapter = createWidgetChannel({
    siteKey: env.WIDGET_SITE_KEY,
    secret,
    prechatFields: env.WIDGET_PRECHAT_FIELDS,
    files: deps.files,
    fileUrl: deps.fileUrl,
    async history(chatId) {
      const docs = await models.Message.find({
        conversationId: { $in: await conversationIds(chatId) },
      })
        .sort({ sentAt: -1 })
        .limit(HISTORY_LIMIT)
        .lean<MessageDoc[]>();
      return docs.reverse().map(toHistoryItem);
    },
    async anyoneOnline() {
      return (await models.User.exists({ active: true, online: true })) !== null;
    },
    async onSeen(chatId) {
      await models.Message.updateMany(
        {
          conversationId: { $in: await conversationIds(chatId) },
          direction: 'outbound',
          status: { $in: ['sent', 'delivered'] },
        },
        { $set: { status: 'read' } },
      );
    },
    onError: (error, context) => logger.error({ err: error }, context),
  });

  const strings = Object.fromEntries(
    LOCALES.map((lng) => [
      lng,
      deps.translator.instance.getResourceBundle(lng, 'widget') as Record<string, unknown>,
    ]),
  );
  const assets = createWidgetAssets(strings);
  const languageOf = (query: unknown) => LOCALES.find((lng) => lng === query) ?? env.DEFAULT_LOCALE;

  const router = express.Router();
  router.get('/widget.js', async (req, res) => {
    const script = await assets.script(languageOf(req.query.lang));
    res
      .type('application/javascript; charset=utf-8')
      .set('Cache-Control', `public, max-age=${SCRIPT_MAX_AGE_S}`)
      // Sites on other origins load it; a hub behind a strict proxy must not block that.
      .set('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(script);
  });
  router.get('/widget/demo', (req, res) => {
    res
      .type('html')
      .send(assets.demoPage({ siteKey: env.WIDGET_SITE_KEY, lang: languageOf(req.query.lang) }));
  });

  return { adapter, router, attach: (server) => adapter.attach(server) };
}

function toHistoryItem(doc: MessageDoc): WidgetHistoryItem {
  const item: WidgetHistoryItem = {
    id: doc.externalId,
    direction: doc.direction,
    attachments: doc.attachments.map(toAttachment),
    sentAt: doc.sentAt,
  };
  if (doc.text) item.text = doc.text;
  if (doc.direction === 'inbound' && doc.status === 'read') item.read = true;
  return item;
}
