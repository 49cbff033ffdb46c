import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { TFunction } from 'i18next';
import { mayImport } from '../../src/app/import/import-file';
import {
  IMPORT_KINDS,
  ImportRefused,
  type ImportKind,
  type ImportReport,
} from '../../src/app/import/ports';
import { refusedTable, type RefusedTableLabels } from '../../src/app/import/refused-table';
import type { User } from '../../src/domain/user';
import type { BackgroundWork } from './background';
import type { StaffMemberContext } from './context';

export interface ImportBotDeps {
  maxBytes: number;
  /** The bytes of a file a person sent the bot (getFile, then the file's address). */
  download(fileId: string): Promise<Buffer>;
  run(
    user: User,
    kind: ImportKind,
    data: Buffer,
    progress: (done: number, total: number) => Promise<void>,
  ): Promise<ImportReport>;
  /** A small table as CSV bytes (the refused rows sent back). */
  csv(rows: string[][]): Buffer;
  background: BackgroundWork;
  clock: { now(): Date };
}

/** Telegram allows about one edit a second per chat: the progress line changes no faster. */
const PROGRESS_EVERY_MS = 1500;
/** Refused rows listed in the chat; all of them are in the file. */
const LISTED = 20;
/** People who chose what to import and are about to send the file; forgotten after a restart. */
const MAX_WAITING = 1000;

const megabytes = (bytes: number) => Math.floor(bytes / (1024 * 1024));
const numberIn = (lng: string) => new Intl.NumberFormat(lng === 'ru' ? 'ru-RU' : 'en-GB');

/**
 * `/import` (heads and admins): choose leads or contacts, send a CSV or XLSX file. A file over the
 * limit is refused before it is downloaded; the rest runs in the background, with one message
 * edited to show how far it got, and ends with what was imported, merged and refused (each refused
 * row with its reason, and all of them as a file to correct and send again).
 */
export function importComposer(deps: ImportBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  const waiting = new Map<number, ImportKind>();

  composer.command('import', async (ctx) => {
    if (!mayImport(ctx.staff)) return ctx.reply(ctx.t('transfer:import.refused'));
    const buttons = new InlineKeyboard();
    for (const kind of IMPORT_KINDS)
      buttons.text(ctx.t(`transfer:import.kinds.${kind}`), `im:${kind}`);
    await ctx.reply(ctx.t('transfer:import.choose'), { reply_markup: buttons });
  });

  composer.callbackQuery(/^im:(leads|contacts)$/, async (ctx) => {
    // Who pressed is checked again: a forwarded or replayed button gives no rights.
    if (!mayImport(ctx.staff)) {
      await ctx.answerCallbackQuery({ text: ctx.t('transfer:import.refused'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const kind = ctx.match[1] as ImportKind;
    waiting.delete(ctx.staff.telegramId);
    if (waiting.size >= MAX_WAITING) waiting.delete(waiting.keys().next().value!);
    waiting.set(ctx.staff.telegramId, kind);
    await ctx.reply(
      ctx.t('transfer:import.send', {
        what: ctx.t(`transfer:import.what.${kind}`),
        mb: megabytes(deps.maxBytes),
      }),
    );
  });

  composer.on('message:document', async (ctx, next) => {
    const kind = waiting.get(ctx.staff.telegramId);
    if (!kind) return next();
    waiting.delete(ctx.staff.telegramId);
    if (!mayImport(ctx.staff)) return ctx.reply(ctx.t('transfer:import.refused'));
    const document = ctx.message.document;
    // Telegram says how big the file is: one over the limit is not even downloaded.
    if ((document.file_size ?? 0) > deps.maxBytes) {
      return ctx.reply(ctx.t('transfer:import.tooLarge', { mb: megabytes(deps.maxBytes) }));
    }
    const status = await ctx.reply(ctx.t('transfer:import.checking'));
    const chatId = status.chat.id;
    const { t, lng, staff } = ctx;
    const edit = (text: string) =>
      ctx.api.editMessageText(chatId, status.message_id, text).then(
        () => undefined,
        () => undefined,
      );
    let shownAt = 0;
    const progress = async (done: number, total: number) => {
      const now = deps.clock.now().getTime();
      if (done < total && now - shownAt < PROGRESS_EVERY_MS) return;
      shownAt = now;
      const format = numberIn(lng);
      await edit(
        t(done < total ? 'transfer:import.progress' : 'transfer:import.finished', {
          done: format.format(done),
          total: format.format(total),
        }),
      );
    };
    deps.background.run(async () => {
      let report: ImportReport;
      try {
        report = await deps.run(staff, kind, await deps.download(document.file_id), progress);
      } catch (error) {
        if (!(error instanceof ImportRefused)) {
          await edit(t('transfer:import.failed'));
          throw error;
        }
        await edit(refusal(error, t, deps.maxBytes));
        return;
      }
      await ctx.api.sendMessage(chatId, summary(report, t));
      if (report.refused.length > 0) {
        await ctx.api.sendDocument(
          chatId,
          new InputFile(deps.csv(refusedTable(report, refusedLabels(t))), 'refused.csv'),
          { caption: t('transfer:import.refusedCaption') },
        );
      }
    });
  });
  return composer;
}

export function refusal(error: ImportRefused, t: TFunction, maxBytes: number): string {
  switch (error.reason) {
    case 'too_large':
      return t('transfer:import.tooLarge', { mb: megabytes(maxBytes) });
    case 'unreadable':
      return t('transfer:import.unreadable');
    case 'no_staff':
      return t('transfer:import.noStaff');
    case 'missing_columns':
      return t('transfer:import.missingColumns', {
        columns: error.missing.map((column) => t(`transfer:import.columns.${column}`)).join(', '),
      });
  }
}

export function summary(report: ImportReport, t: TFunction): string {
  const lines = [
    t('transfer:import.summary', {
      imported: report.imported.length,
      merged: report.merged.length,
      refused: report.refused.length,
    }),
    ...report.refused.slice(0, LISTED).map((row) =>
      t('transfer:import.refusedLine', {
        line: row.line,
        reason: t(`transfer:import.reasons.${row.reason}`),
      }),
    ),
  ];
  if (report.refused.length > LISTED) {
    lines.push(t('transfer:import.more', { count: report.refused.length - LISTED }));
  }
  return lines.join('\n');
}

/** The words of the refused rows' file in the person's language. */
export const refusedLabels = (t: TFunction): RefusedTableLabels => ({
  line: t('transfer:import.lineColumn'),
  reason: t('transfer:import.reasonColumn'),
  reasonOf: (reason) => t(`transfer:import.reasons.${reason}`),
});
