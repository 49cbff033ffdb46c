import type { Pipeline, ProcessDefinition } from '../../domain/process/definition';
import type { Locale, User } from '../../domain/user';
import { COLUMNS, exportRecords, type ExportDeps, type ExportLabels } from './export-records';
import type { ExportFormat, ExportKind, TableFileSink } from './ports';

export interface ExportFileDeps extends ExportDeps {
  /** The person's language's strings (file name, column headers). */
  translate(lng: Locale): (key: string, options?: Record<string, string>) => string;
  /** Stage and deal-type titles come from it. */
  definition: ProcessDefinition;
  /** The company's: dates are written as its people read them. */
  timeZone: string;
  openFile(format: ExportFormat, name: string, header: string[]): Promise<TableFileSink>;
}

/**
 * An export as the person gets it: a file named and headed in their language (`Лиды-2026-12-07`),
 * holding what they may export; a failed export leaves no file behind.
 */
export class ExportFiles {
  constructor(private readonly deps: ExportFileDeps) {}

  readonly run = async (user: User, kind: ExportKind, format: ExportFormat, lng: Locale) => {
    const { deps } = this;
    const t = deps.translate(lng);
    const day = deps.clock.now().toISOString().slice(0, 10);
    const name = `${t(`transfer:export.fileName.${kind}`)}-${day}.${format}`;
    const header = COLUMNS[kind].map((column) => t(`transfer:export.columns.${column}`));
    const file = await deps.openFile(format, name, header);
    try {
      const labels = this.labels(lng, t);
      const { count } = await exportRecords(deps, user, { kind, format }, labels, file);
      return { ...(await file.finish()), name, count };
    } catch (error) {
      await file.discard();
      throw error;
    }
  };

  /** Stage and type titles, sources and dates in the person's language. */
  private labels(lng: Locale, t: (key: string, options?: Record<string, string>) => string) {
    const { definition, timeZone } = this.deps;
    const date = new Intl.DateTimeFormat(lng === 'ru' ? 'ru-RU' : 'en-GB', {
      timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
    });
    const title = (pipeline: Pipeline | undefined, stage: string) =>
      pipeline?.stages.find((each) => each.id === stage)?.title[lng] ?? '—';
    const dealPipeline = (type: string) => definition.deals.find((deal) => deal.id === type);
    const labels: ExportLabels = {
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
    return labels;
  }
}
