import type { RequiredField } from '../../domain/process/definition';

export type ProcessErrorCode =
  | 'not_found'
  | 'not_allowed'
  | 'task_not_open'
  | 'stale_task'
  | 'missing_fields'
  | 'move_not_allowed'
  | 'needs_assignee'
  | 'needs_deal_types'
  | 'unknown_deal_type'
  | 'reason_required'
  | 'closed'
  | 'invalid_field'
  | 'invalid_date'
  /** Nobody is registered who could take the work (a fresh install before staff join). */
  | 'no_staff';

/** A refusal the user should see explained (the bot and the API translate `code`). */
export class ProcessError extends Error {
  constructor(
    readonly code: ProcessErrorCode,
    readonly missing: RequiredField[] = [],
  ) {
    super(missing.length > 0 ? `${code}: ${missing.map((f) => f.field).join(', ')}` : code);
    this.name = 'ProcessError';
  }
}
