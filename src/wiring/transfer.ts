import { Types } from 'mongoose';
import type { ExportBotDeps } from '../../bots/manager/export.composer';
import type { ImportBotDeps } from '../../bots/manager/import.composer';
import { BackgroundWork } from '../../bots/manager/background';
import { COLUMNS, exportRecords, type ExportLabels } from '../app/export/export-records';
import { importFile, type ImportDeps } from '../app/import/import-file';
import { Assignees } from '../app/process/assignees';
import type { ProcessEngine } from '../app/process/engine';
import type { Clock } from '../domain/ports';
import type { Pipeline, ProcessDefinition } from '../domain/process/definition';
import type { Locale } from '../domain/user';
import type { Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import { createTableFile, csvBytes, readTable } from '../infra/table-files';
import type { Stores } from '../store/stores';

export interface TransferParts {
  /** The import use case's parts, shared by the bot and `/api/import`. */
  importDeps: ImportDeps;
  background: BackgroundWork;
  /** The bot's `/import` and `/export`, given how to fetch a file a person sent. */
  bot(download: (fileId: string) => Promise<Buffer>): {
    imports: ImportBotDeps;
    exports: ExportBotDeps;
  };
}

/** Import and export over the store, the process engine and the translations. */
export function createTransfer(options: {
  stores: Stores;
  definition: ProcessDefinition;
  engine: ProcessEngine;
  translator: Translator;
  clock: Clock;
  timeZone: string;
  maxImportBytes: number;
  logger: Logger;
}): TransferParts {
  const { stores, definition, translator, clock } = options;
  const assignees = new Assignees(stores.directory);
  const importDeps: ImportDeps = {
    store: stores.imports,
    createLead: (lead, createdBy) => options.engine.createLead(lead, createdBy),
    leadsReady: async () => {
      await assignees.pick('dispatcher');
    },
    readTable,
    clock,
    newBatchId: () => new Types.ObjectId().toHexString(),
    maxBytes: options.maxImportBytes,
  };
  const exportStore = stores.exports;
  const background = new BackgroundWork((error) =>
    options.logger.error({ err: error }, 'an import or export failed'),
  );

  const labelsFor = (lng: Locale): ExportLabels => {
    const t = translator.forLocale(lng);
    const date = new Intl.DateTimeFormat(lng === 'ru' ? 'ru-RU' : 'en-GB', {
      timeZone: options.timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
    });
    const title = (pipeline: Pipeline | undefined, stage: string) =>
      pipeline?.stages.find((each) => each.id === stage)?.title[lng] ?? '—';
    const dealPipeline = (type: string) => definition.deals.find((deal) => deal.id === type);
    return {
      leadStage: (stage) => title(definition.lead, stage),
      dealType: (type) => dealPipeline(type)?.title[lng] ?? '—',
      dealStage: (type, stage) => title(dealPipeline(type), stage),
      source: (source) => {
        if (source.kind === 'channel') {
          return t('transfer:export.sources.channel', {
            channel: t(`bot:client.channels.${source.channel}`),
          });
        }
        if (source.kind === 'import' && source.origin) {
          return t('transfer:export.sources.importFrom', { origin: source.origin });
        }
        return t(`transfer:export.sources.${source.kind}`);
      },
      date: (at) => date.format(at),
    };
  };

  return {
    importDeps,
    background,
    bot: (download) => ({
      imports: {
        maxBytes: options.maxImportBytes,
        download,
        run: (user, kind, data, progress) =>
          importFile(importDeps, { kind, data, actor: user, via: 'bot' }, progress),
        csv: csvBytes,
        background,
        clock,
      },
      exports: {
        background,
        async run(user, kind, format, lng) {
          const t = translator.forLocale(lng);
          const day = clock.now().toISOString().slice(0, 10);
          const name = `${t(`transfer:export.fileName.${kind}`)}-${day}.${format}`;
          const header = COLUMNS[kind].map((column) => t(`transfer:export.columns.${column}`));
          const file = await createTableFile(format, name, header);
          try {
            const { count } = await exportRecords(
              { store: exportStore, scopes: options.engine.rights, clock },
              user,
              { kind, format },
              labelsFor(lng),
              file,
            );
            return { ...(await file.finish()), name, count };
          } catch (error) {
            await file.discard();
            throw error;
          }
        },
      },
    }),
  };
}
