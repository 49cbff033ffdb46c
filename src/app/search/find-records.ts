import { normalizeEmail, normalizePhone } from '../../domain/contact';
import type { ProcessDefinition, Text } from '../../domain/process/definition';
import { pipelineOf, stageOf, type ProcessRecord } from '../../domain/process/record';
import type { User } from '../../domain/user';
import type { Rights } from '../process/rights';

export interface FoundRecord {
  record: ProcessRecord;
  contactName?: string;
  companyName?: string;
}

export interface SearchStore {
  /** Leads and deals whose contact or company matches by name, phone or email; newest first. */
  find(
    query: { words?: string; phone?: string; email?: string; number?: number },
    limit: number,
  ): Promise<FoundRecord[]>;
}

export interface SearchHit extends FoundRecord {
  stageTitle: Text;
}

const LIMIT = 20;

/**
 * `/find`: by name, phone, email, company or record number, and only among the records this person may see —
 * the store is asked broadly, the rights decide what comes back.
 */
export async function findRecords(
  deps: { search: SearchStore; rights: Rights; definition: ProcessDefinition },
  user: User,
  text: string,
): Promise<SearchHit[]> {
  const query = text.trim();
  // "№1024", "#1024", or a bare number too short to be a phone: the record's own number.
  const numbered = /^(?:[№#]\s*(\d{1,9})|(\d{1,4}))$/.exec(query);
  if (query.length < 2 && !numbered) return [];
  const phone = /\d{5,}/.test(query.replace(/\D/g, '')) ? normalizePhone(query) : undefined;
  const email = query.includes('@') ? normalizeEmail(query) : undefined;
  const found = await deps.search.find(
    numbered
      ? { number: Number(numbered[1] ?? numbered[2]) }
      : phone
        ? { phone }
        : email
          ? { email }
          : { words: query },
    LIMIT * 3,
  );
  const hits: SearchHit[] = [];
  for (const hit of found) {
    if (!(await deps.rights.mayAct({ kind: 'user', user }, hit.record))) continue;
    const stage = stageOf(pipelineOf(deps.definition, hit.record.pipeline), hit.record.stage);
    hits.push({ ...hit, stageTitle: stage.title });
    if (hits.length === LIMIT) break;
  }
  return hits;
}
