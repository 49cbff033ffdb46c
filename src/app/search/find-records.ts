import { normalizeEmail, normalizePhone } from '../../domain/contact';
import type { ProcessDefinition, Text } from '../../domain/process/definition';
import { pipelineOf, stageOf, type ProcessRecord } from '../../domain/process/record';
import type { AccessScope } from '../../domain/access';
import type { User } from '../../domain/user';
import type { Rights } from '../process/rights';

export interface FoundRecord {
  record: ProcessRecord;
  contactName?: string;
  companyName?: string;
}

export interface SearchStore {
  /**
   * Leads and deals in the scope whose contact or company matches by name, phone or email, or
   * with that number; newest first.
   */
  find(
    scope: AccessScope,
    query: { words?: string; phone?: string; email?: string; number?: number },
    limit: number,
  ): Promise<FoundRecord[]>;
}

export interface SearchHit extends FoundRecord {
  stageTitle: Text;
}

const LIMIT = 20;

/**
 * `/find`: by name, phone, email, company or record number, and only among the records this
 * person may see — the store is asked for those alone.
 */
export class RecordSearch {
  constructor(
    private readonly deps: {
      search: SearchStore;
      rights: Pick<Rights, 'scopeOf'>;
      definition: ProcessDefinition;
    },
  ) {}

  /** Bound: the bot holds it as its `find`. */
  readonly find = async (user: User, text: string): Promise<SearchHit[]> => {
    const { deps } = this;
    const query = text.trim();
    // "№1024", "#1024", or a bare number too short to be a phone: the record's own number.
    const numbered = /^(?:[№#]\s*(\d{1,9})|(\d{1,4}))$/.exec(query);
    if (query.length < 2 && !numbered) return [];
    const phone = /\d{5,}/.test(query.replace(/\D/g, '')) ? normalizePhone(query) : undefined;
    const email = query.includes('@') ? normalizeEmail(query) : undefined;
    const found = await deps.search.find(
      await deps.rights.scopeOf(user),
      numbered
        ? { number: Number(numbered[1] ?? numbered[2]) }
        : phone
          ? { phone }
          : email
            ? { email }
            : { words: query },
      LIMIT,
    );
    return found.slice(0, LIMIT).map((hit) => ({
      ...hit,
      stageTitle: stageOf(pipelineOf(deps.definition, hit.record.pipeline), hit.record.stage).title,
    }));
  };
}
