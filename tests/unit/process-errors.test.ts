import express from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ProcessError, type ProcessErrorCode } from '../../src/app/process/errors';
import type { RequiredField } from '../../src/domain/process/definition';
import { answerProcessError, PROCESS_ERROR_ANSWERS } from '../../src/http/process-errors';

/** Every refusal and the answer integrations rely on; a new code must be added here too. */
const expected: Record<ProcessErrorCode, number> = {
  not_found: 404,
  not_allowed: 403,
  task_not_open: 409,
  stale_task: 409,
  missing_fields: 422,
  move_not_allowed: 409,
  needs_assignee: 422,
  needs_deal_types: 422,
  unknown_deal_type: 422,
  reason_required: 422,
  closed: 409,
  invalid_field: 422,
  invalid_date: 422,
  no_staff: 503,
};
const codes = Object.keys(expected) as ProcessErrorCode[];

/** What a route answers when its use case refuses with `error`. */
async function answerTo(error: ProcessError): Promise<{ status: number; body: unknown }> {
  const app = express();
  app.get('/', (_req, res) => answerProcessError(res, error));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('the HTTP answer to each refusal of the process', () => {
  it('maps every code, and only those, to a code of its own', () => {
    expect(Object.keys(PROCESS_ERROR_ANSWERS).sort()).toEqual([...codes].sort());
    const errors = Object.values(PROCESS_ERROR_ANSWERS).map((answer) => answer.error);
    expect(new Set(errors).size).toBe(codes.length);
  });

  it.each(codes)('answers %s with its status and its code, over HTTP', async (code) => {
    expect(await answerTo(new ProcessError(code))).toEqual({
      status: expected[code],
      body: { error: code },
    });
  });

  it('names the required fields still empty', async () => {
    const missing: RequiredField[] = [
      { field: 'area', type: 'text', title: { ru: 'Площадь', en: 'Area' } },
    ];
    expect(await answerTo(new ProcessError('missing_fields', missing))).toEqual({
      status: 422,
      body: { error: 'missing_fields', missing },
    });
  });
});
