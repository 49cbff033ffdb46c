import { Types } from 'mongoose';
import type { ExportBotDeps } from '../../bots/manager/export.composer';
import type { ImportBotDeps } from '../../bots/manager/import.composer';
import { BackgroundWork } from '../../bots/manager/background';
import { ExportFiles } from '../app/export/export-file';
import { importFile, type ImportDeps } from '../app/import/import-file';
import { Assignees } from '../app/process/assignees';
import type { ProcessEngine } from '../app/process/engine';
import type { Clock } from '../domain/ports';
import type { ProcessDefinition } from '../domain/process/definition';
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
  const background = new BackgroundWork((error) =>
    options.logger.error({ err: error }, 'an import or export failed'),
  );

  const exports = new ExportFiles({
    store: stores.exports,
    scopes: options.engine.rights,
    clock,
    translate: (lng) => translator.forLocale(lng),
    definition,
    timeZone: options.timeZone,
    openFile: createTableFile,
  });

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
      exports: { background, run: exports.run },
    }),
  };
}
