import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { mayExport } from '../../src/app/export/export-records';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  type ExportFormat,
  type ExportKind,
} from '../../src/app/export/ports';
import type { Locale, User } from '../../src/domain/user';
import type { BackgroundWork } from './background';
import type { StaffMemberContext } from './context';

/** A written export file, removed once it has been sent. */
export interface ExportedFile {
  path: string;
  name: string;
  count: number;
  remove(): Promise<void>;
}

export interface ExportBotDeps {
  /** Writes the records this person may export to a file (audited); refuses anyone else. */
  run(user: User, kind: ExportKind, format: ExportFormat, lng: Locale): Promise<ExportedFile>;
  background: BackgroundWork;
}

const isKind = (value: string): value is ExportKind =>
  (EXPORT_KINDS as readonly string[]).includes(value);

/**
 * `/export leads|deals|contacts` (heads: their department's records; admins: all), then a button
 * for CSV or XLSX; the file comes as a document. Anyone else is refused politely, and every button
 * checks again who pressed it.
 */
export function exportComposer(deps: ExportBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();

  const formats = (ctx: StaffMemberContext, kind: ExportKind) => {
    const buttons = new InlineKeyboard();
    for (const format of EXPORT_FORMATS) buttons.text(format.toUpperCase(), `ex:${kind}:${format}`);
    return ctx.reply(
      ctx.t('transfer:export.format', { what: ctx.t(`transfer:export.kinds.${kind}`) }),
      { reply_markup: buttons },
    );
  };

  composer.command('export', async (ctx) => {
    if (!mayExport(ctx.staff)) return ctx.reply(ctx.t('transfer:export.refused'));
    const kind = ctx.match.trim().toLowerCase();
    if (isKind(kind)) return formats(ctx, kind);
    const buttons = new InlineKeyboard();
    for (const each of EXPORT_KINDS) {
      buttons.text(ctx.t(`transfer:export.buttons.${each}`), `ex:${each}`);
    }
    await ctx.reply(ctx.t('transfer:export.choose'), { reply_markup: buttons });
  });

  composer.callbackQuery(/^ex:(leads|deals|contacts)(?::(csv|xlsx))?$/, async (ctx) => {
    if (!mayExport(ctx.staff)) {
      await ctx.answerCallbackQuery({ text: ctx.t('transfer:export.refused'), show_alert: true });
      return;
    }
    const kind = ctx.match[1] as ExportKind;
    const format = ctx.match[2] as ExportFormat | undefined;
    if (!format) {
      await ctx.answerCallbackQuery();
      await formats(ctx, kind);
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('transfer:export.preparing') });
    const chatId = ctx.chat!.id;
    const { t, lng, staff } = ctx;
    deps.background.run(async () => {
      let file: ExportedFile | undefined;
      try {
        file = await deps.run(staff, kind, format, lng);
        await ctx.api.sendDocument(chatId, new InputFile(file.path, file.name), {
          caption: t('transfer:export.caption', {
            what: t(`transfer:export.buttons.${kind}`),
            count: file.count,
          }),
        });
      } catch (error) {
        await ctx.api.sendMessage(chatId, t('transfer:export.failed')).catch(() => undefined);
        throw error;
      } finally {
        await file?.remove();
      }
    });
  });
  return composer;
}
