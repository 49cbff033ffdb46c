import type { ProcessDefinition } from '../../domain/process/definition';
import { pipelineOf, startStage, type ProcessRecord } from '../../domain/process/record';
import type { Assignees } from './assignees';
import type { ConversionLog, ConversionPlan, RecordStore } from './ports';
import { requireRecord, type StageEntry } from './stage-entry';

export class LeadConversion {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      records: RecordStore;
      conversions: ConversionLog;
      stages: StageEntry;
      assignees: Assignees;
    },
  ) {}

  /**
   * Lead → one deal per deal type, each with its operations manager and chain. There are no
   * multi-document transactions to lean on, so the ids are planned and logged first and every
   * write is idempotent: a crash anywhere is finished by running the same plan again.
   */
  async convert(
    lead: ProcessRecord,
    dealTypes: string[],
    operations: Record<string, string>,
  ): Promise<void> {
    const { conversions } = this.deps;
    const chosen: Record<string, string> = {};
    for (const type of dealTypes) {
      chosen[type] = operations[type] ?? (await this.deps.assignees.pick('manager', 'operations'));
    }
    const companyName = lead.fields.company;
    const plan = await conversions.begin({
      leadId: lead.subject.id,
      // A B2B lead names its company: it becomes a company record the contact belongs to.
      ...(typeof companyName === 'string' && companyName.trim()
        ? { companyId: conversions.newId() }
        : {}),
      dealTypes,
      dealIds: Object.fromEntries(dealTypes.map((type) => [type, conversions.newId()])),
      operations: chosen,
      status: 'started',
    });
    if (plan.status === 'done') return;
    await this.run(plan.leadId, plan);
  }

  private async run(
    leadId: string,
    plan: Pick<ConversionPlan, 'dealTypes' | 'dealIds' | 'operations' | 'companyId'>,
  ): Promise<void> {
    const lead = await requireRecord(this.deps.records, { kind: 'lead', id: leadId });
    if (plan.companyId) {
      await this.deps.records.ensureCompany({
        id: plan.companyId,
        name: String(lead.fields.company).trim(),
        ...(typeof lead.fields.taxId === 'string' ? { taxId: lead.fields.taxId } : {}),
        contactId: lead.contactId,
      });
    }
    const told = new Set<string>();
    for (const type of plan.dealTypes) {
      const pipeline = pipelineOf(this.deps.definition, type);
      const id = plan.dealIds[type]!;
      const inserted = await this.deps.records.insertDeal({
        id,
        type,
        stage: startStage(pipeline).id,
        leadId,
        contactId: lead.contactId,
        ...(plan.companyId ? { companyId: plan.companyId } : {}),
        responsibles: {
          ...lead.responsibles,
          ...(plan.operations[type] ? { operations: plan.operations[type] } : {}),
        },
        fields: { ...lead.fields },
      });
      // The operations manager reads what the client said before the deal's first task; a
      // resumed conversion that finds the deal written has told them already.
      // One card per person: who gets several of the client's deals has their history once.
      const operations = plan.operations[type];
      if (inserted && operations && !told.has(operations)) {
        told.add(operations);
        await this.deps.stages.handOver({ kind: 'deal', id }, operations);
      }
      // Entering is idempotent too: chain tasks are keyed by record, visit and step.
      await this.deps.stages.enter(await requireRecord(this.deps.records, { kind: 'deal', id }));
    }
    await this.deps.conversions.finish(leadId);
  }

  /** Finishes conversions a crash interrupted; run at start-up. */
  async resume(): Promise<number> {
    const unfinished = await this.deps.conversions.unfinished();
    for (const plan of unfinished) await this.run(plan.leadId, plan);
    return unfinished.length;
  }
}
