import type { LeadSource } from '../../domain/lead';
import type { User } from '../../domain/user';
import { ProcessError } from '../process/errors';
import type { Rights } from '../process/rights';
import type { ExportFormat, ExportKind, ExportStore, ExportedPerson, TableSink } from './ports';

/** Documents read per page: enough to keep round trips few, small enough to bound memory. */
const PAGE = 500;

export const COLUMNS: Record<ExportKind, readonly string[]> = {
  leads: [
    'created',
    'name',
    'phones',
    'emails',
    'company',
    'stage',
    'source',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'sales',
  ],
  deals: [
    'created',
    'name',
    'phones',
    'emails',
    'company',
    'type',
    'stage',
    'amount',
    'currency',
    'sales',
    'operations',
  ],
  contacts: ['created', 'name', 'phones', 'emails', 'company'],
};

/** How values read in the person's language: titles of stages and types, sources, dates. */
export interface ExportLabels {
  leadStage(stage: string): string;
  dealType(type: string): string;
  dealStage(type: string, stage: string): string;
  source(source: LeadSource): string;
  date(at: Date): string;
}

export interface ExportDeps {
  store: ExportStore;
  scopes: Pick<Rights, 'scopeOf'>;
  clock: { now(): Date };
}

/** Nobody but heads and admins can export (PRODUCT.md, process 10). */
export const mayExport = (user: User) =>
  user.active && (user.roles.includes('admin') || user.roles.includes('head'));

const person = (contact: ExportedPerson, labels: ExportLabels, createdAt: Date) => [
  labels.date(createdAt),
  contact.name ?? '',
  contact.phones.join(', '),
  contact.emails.join(', '),
  contact.company ?? '',
];

/**
 * Writes the records this person may export to `sink`, a page at a time, and audits the export
 * (who, what, in which format, whose records, how many rows). Refuses anyone but a head or admin.
 */
export async function exportRecords(
  deps: ExportDeps,
  user: User,
  request: { kind: ExportKind; format: ExportFormat },
  labels: ExportLabels,
  sink: TableSink,
): Promise<{ count: number }> {
  if (!mayExport(user)) throw new ProcessError('not_allowed');
  const { store } = deps;
  // An admin exports everything; a head what their department's people hold.
  const scope = await deps.scopes.scopeOf(user);
  let count = 0;
  const write = async (rows: string[][]) => {
    count += rows.length;
    await sink.add(rows);
  };
  if (request.kind === 'leads') {
    for await (const page of store.leads(scope, PAGE)) {
      await write(
        page.map((lead) => [
          ...person(lead.contact, labels, lead.createdAt),
          labels.leadStage(lead.stage),
          labels.source(lead.source),
          lead.utm.source ?? '',
          lead.utm.medium ?? '',
          lead.utm.campaign ?? '',
          lead.sales ?? '',
        ]),
      );
    }
  } else if (request.kind === 'deals') {
    for await (const page of store.deals(scope, PAGE)) {
      await write(
        page.map((deal) => [
          ...person(deal.contact, labels, deal.createdAt),
          labels.dealType(deal.type),
          labels.dealStage(deal.type, deal.stage),
          deal.amount === undefined ? '' : String(deal.amount),
          deal.amount === undefined ? '' : (deal.currency ?? ''),
          deal.sales ?? '',
          deal.operations ?? '',
        ]),
      );
    }
  } else {
    for await (const page of store.contacts(scope, PAGE)) {
      await write(page.map((contact) => person(contact, labels, contact.createdAt)));
    }
  }
  await store.audit({
    actorUserId: user.id,
    action: 'export',
    subject: { kind: request.kind },
    after: {
      format: request.format,
      scope: scope.kind === 'all' ? 'all' : 'department',
      ...(scope.kind === 'people' && user.departmentId ? { departmentId: user.departmentId } : {}),
      count,
    },
    at: deps.clock.now(),
  });
  return { count };
}
