import type { AssigneeRole } from '../../domain/process/definition';
import type { ProcessRecord } from '../../domain/process/record';
import { ProcessError } from './errors';
import type { Directory } from './ports';

/** Turns an assignee role of the definition into a person, from the record and the org chart. */
export class Assignees {
  constructor(private readonly directory: Directory) {}

  async resolve(role: AssigneeRole, record: ProcessRecord): Promise<string> {
    switch (role) {
      case 'sales':
        return record.responsibles.sales ?? this.pick('dispatcher');
      case 'operations':
        return record.responsibles.operations ?? this.pick('manager', 'operations');
      case 'head':
        return record.responsibles.headOfSales ?? this.pick('head', 'sales');
      case 'dispatcher':
        return this.pick('dispatcher');
    }
  }

  /**
   * The least-loaded active person for a role; a head of that department, then any head, then an
   * admin stands in.
   */
  async pick(role: 'dispatcher' | 'manager' | 'head', department?: string): Promise<string> {
    const { directory } = this;
    const found =
      (await directory.candidates({ role, ...(department ? { department } : {}) }))[0] ??
      (await directory.candidates({ role: 'head', ...(department ? { department } : {}) }))[0] ??
      (await directory.candidates({ role: 'head' }))[0] ??
      (await directory.candidates({ role: 'admin' }))[0];
    if (!found) throw new ProcessError('no_staff');
    return found.id;
  }
}
