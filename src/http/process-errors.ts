import type { Response } from 'express';
import type { ProcessError, ProcessErrorCode } from '../app/process/errors';

/**
 * Every refusal of a use case and its HTTP answer, in one place for every route: the status and
 * the stable `error` code integrations branch on (the ProcessError's own code). A new
 * ProcessErrorCode without an answer here does not compile.
 */
export const PROCESS_ERROR_ANSWERS: Record<ProcessErrorCode, { status: number; error: string }> = {
  not_found: { status: 404, error: 'not_found' },
  not_allowed: { status: 403, error: 'not_allowed' },
  task_not_open: { status: 409, error: 'task_not_open' },
  stale_task: { status: 409, error: 'stale_task' },
  missing_fields: { status: 422, error: 'missing_fields' },
  move_not_allowed: { status: 409, error: 'move_not_allowed' },
  needs_assignee: { status: 422, error: 'needs_assignee' },
  needs_deal_types: { status: 422, error: 'needs_deal_types' },
  unknown_deal_type: { status: 422, error: 'unknown_deal_type' },
  reason_required: { status: 422, error: 'reason_required' },
  closed: { status: 409, error: 'closed' },
  invalid_field: { status: 422, error: 'invalid_field' },
  invalid_date: { status: 422, error: 'invalid_date' },
  // Nobody to take the work is ours to fix, so the caller is told to try again later.
  no_staff: { status: 503, error: 'no_staff' },
};

/** Answers a refusal: its status, its code, and the required fields still empty, if any. */
export function answerProcessError(res: Response, error: ProcessError): void {
  const { status, error: code } = PROCESS_ERROR_ANSWERS[error.code];
  res.status(status).json({
    error: code,
    ...(error.missing.length > 0
      ? {
          missing: error.missing.map(({ field, type, title, choices }) => ({
            field,
            type,
            title,
            ...(choices ? { choices } : {}),
          })),
        }
      : {}),
  });
}
