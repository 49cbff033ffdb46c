import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Document } from 'grammy/types';
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
/** People between choosing what to import and sending the file; forgotten after a restart. */
const MAX_WAITING = 1000;
const TABLE_FILE = /\.(csv|xlsx|txt)$/i;

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
  /** Per person: what they chose to import, waiting for the file… */
  const kinds = new Map<number, ImportKind>();
  /** …or the table file they sent first, waiting for them to say what it holds. */
  const files = new Map<number, Document>();
  const remember = <T>(map: Map<number, T>, person: number, value: T) => {
    map.delete(person);
    if (map.size >= MAX_WAITING) map.delete(map.keys().next().value!);
    map.set(person, value);
  };
  const chooseKind = (ctx: StaffMemberContext) => {
    const buttons = new InlineKeyboard();
    for (const kind of IMPORT_KINDS) {
      buttons.text(ctx.t(`transfer:import.kinds.${kind}`), `im:${kind}`);
    }
    return ctx.reply(ctx.t('transfer:import.choose'), { reply_markup: buttons });
  };

  composer.command('import', async (ctx) => {
    if (!mayImport(ctx.staff)) return ctx.reply(ctx.t('transfer:import.refused'));
    files.delete(ctx.staff.telegramId);
    await chooseKind(ctx);
  });

  composer.callbackQuery(/^im:(leads|contacts)$/, async (ctx) => {
    // Who pressed is checked again: a forwarded or replayed button gives no rights.
    if (!mayImport(ctx.staff)) {
      await ctx.answerCallbackQuery({ text: ctx.t('transfer:import.refused'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const kind = ctx.match[1] as ImportKind;
    const person = ctx.staff.telegramId;
    const file = files.get(person);
    if (file) {
      files.delete(person);
      return start(ctx, kind, file);
    }
    remember(kinds, person, kind);
    await ctx.reply(
      ctx.t('transfer:import.send', {
        what: ctx.t(`transfer:import.what.${kind}`),
        mb: megabytes(deps.maxBytes),
      }),
    );
  });

  composer.on('message:document', async (ctx, next) => {
    const person = ctx.staff.telegramId;
    const kind = kinds.get(person);
    const document = ctx.message.document;
    if (!mayImport(ctx.staff)) return next();
    if (kind) {
      kinds.delete(person);
      return start(ctx, kind, document);
    }
    // A table sent without /import: asked what it holds rather than taken for a client's file.
    if (!TABLE_FILE.test(document.file_name ?? '')) return next();
    remember(files, person, document);
    await chooseKind(ctx);
  });

  /** Refuses a file over the limit unread; otherwise imports it in the background. */
  async function start(ctx: StaffMemberContext, kind: ImportKind, document: Document) {
    // Telegram says how big the file is: one over the limit is not even downloaded.
    if ((document.file_size ?? 0) > deps.maxBytes) {
      await ctx.reply(ctx.t('transfer:import.tooLarge', { mb: megabytes(deps.maxBytes) }));
      return;
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
  }
  return composer;
}

function refusal(error: ImportRefused, t: TFunction, maxBytes: number): string {
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

/** Ranges shown before the list is cut short: the file of the whole story is the person's own. */
const RANGES = 10;

/** " (lines 2–5, 9, 12–14…)": which lines, in runs, after a count. */
function linesOf(lines: number[], t: TFunction): string {
  if (lines.length === 0) return '';
  const runs: [number, number][] = [];
  for (const line of lines) {
    const last = runs.at(-1);
    if (last && line === last[1] + 1) last[1] = line;
    else runs.push([line, line]);
  }
  const shown = runs
    .slice(0, RANGES)
    .map(([from, to]) => (from === to ? String(from) : `${from}–${to}`))
    .join(', ');
  return t('transfer:import.lines', { list: runs.length > RANGES ? `${shown}…` : shown });
}

function summary(report: ImportReport, t: TFunction): string {
  const lines = [
    t('transfer:import.summary', {
      imported: report.imported.length,
      importedLines: linesOf(report.imported, t),
      merged: report.merged.length,
      mergedLines: linesOf(report.merged, t),
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
const refusedLabels = (t: TFunction): RefusedTableLabels => ({
  line: t('transfer:import.lineColumn'),
  reason: t('transfer:import.reasonColumn'),
  reasonOf: (reason) => t(`transfer:import.reasons.${reason}`),
});
