import path from 'node:path';
import { loadProcessDefinition } from '../../../src/config/process/load-definition';
import { answeringSlots } from '../../../src/domain/process/record';
import { PROJECT_ROOT } from '../../../src/infra/project-root';

const definition = loadProcessDefinition(path.join(PROJECT_ROOT, 'config/process/default.yaml'));

describe('whose a client message is', () => {
  it("is a deal's operations manager's, a lead's sales manager's", () => {
    expect(
      answeringSlots(definition, 'deal', { pipeline: 'standard', stage: 'documents' }),
    ).toEqual(['operations', 'sales']);
    expect(answeringSlots(definition, 'lead', { pipeline: 'lead', stage: 'new' })).toEqual([
      'sales',
    ]);
  });

  it('is the sales manager’s while a problem parks the deal with sales', () => {
    for (const pipeline of ['standard', 'design']) {
      expect(answeringSlots(definition, 'deal', { pipeline, stage: 'problem' })).toEqual([
        'sales',
        'operations',
      ]);
    }
  });
});
