import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  checkTemplates,
  loadProcessDefinition,
  parseProcessDefinition,
  ProcessDefinitionError,
} from '../../../src/config/process/load-definition';
import { createTranslator, LOCALES } from '../../../src/infra/i18n';
import { PROJECT_ROOT } from '../../../src/infra/project-root';

const DEFAULT_FILE = path.join(PROJECT_ROOT, 'config/process/default.yaml');

/** The default definition with one change applied, checked as if read from `broken.yaml`. */
function problemsAfter(change: (definition: Record<string, any>) => void): string[] {
  const definition = YAML.parse(readFileSync(DEFAULT_FILE, 'utf8')) as Record<string, any>;
  change(definition);
  try {
    parseProcessDefinition(YAML.stringify(definition), 'broken.yaml');
  } catch (error) {
    if (error instanceof ProcessDefinitionError) {
      expect(error.message).toMatch(/^Invalid process definition broken\.yaml/);
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
    throw error;
  }
  return [];
}

describe('the default process definition', () => {
  const definition = loadProcessDefinition(DEFAULT_FILE);

  it("reproduces the seeds' company: dispatcher first, two deal types, the path back to sales", () => {
    expect(definition.lead.stages[0]!.tasks[0]).toMatchObject({
      assignee: 'dispatcher',
      dueInMs: 20 * 60_000,
      onDone: { assign: 'sales', moveTo: 'identification' },
    });
    expect(definition.deals.map((deal) => deal.id)).toEqual(['standard', 'design']);
    const design = definition.deals[1]!;
    expect(design.stages.find((s) => s.id === 'approval')!.moves).toContain('back_to_sales');
    expect(definition.sla.ladder.map((step) => step.afterMs / 60_000)).toEqual([20, 40, 120, 240]);
  });

  it('lets only sales close as lost or junk, only operations win a deal, and parks problems with sales', () => {
    const closing = [definition.lead, ...definition.deals].flatMap((pipeline) =>
      pipeline.stages.filter((stage) => stage.kind === 'lost' || stage.kind === 'junk'),
    );
    expect(closing.map((stage) => [stage.id, stage.onlyBy])).toEqual([
      ['junk', ['sales']],
      ['lost', ['sales']],
      ['lost', ['sales']],
    ]);
    expect(closing.every((stage) => stage.reasons.length > 0)).toBe(true);
    for (const deal of definition.deals) {
      expect(deal.stages.find((stage) => stage.kind === 'won')!.onlyBy).toEqual(['operations']);
      expect(deal.problem).toEqual({ moveTo: 'problem', assignee: 'sales' });
    }
  });

  it('declares a required file before production can start, and the amount', () => {
    const approval = definition.deals[1]!.stages.find((s) => s.id === 'approval')!;
    const amount = {
      field: 'amount',
      type: 'money',
      currency: 'RUB',
      title: { ru: 'Сумма сделки', en: 'Deal amount' },
    };
    expect(approval.requires).toEqual([
      { field: 'layout', type: 'file', title: { ru: 'Макет', en: 'Layout' } },
      amount,
    ]);
    // Every deal type has its amount, the one money field the reports add up.
    for (const deal of definition.deals) {
      const money = deal.stages.flatMap((s) => s.requires).filter((f) => f.type === 'money');
      expect(money).toEqual([amount]);
    }
  });
});

describe('an invalid definition fails at load and names the place', () => {
  it('an unknown stage in a transition', () => {
    expect(
      problemsAfter((d) => {
        d.deals[0].stages[1].tasks[0].onDone.moveTo = 'manufacturing';
      }),
    ).toEqual([
      'deals[0].stages[1].tasks[0].onDone.moveTo: unknown stage "manufacturing" in pipeline "standard"',
    ]);
  });

  it('a field of an unknown type, and a choice field without its choices', () => {
    expect(
      problemsAfter((d) => {
        const proposal = d.lead.stages[2];
        proposal.requires[0].type = 'integer';
        proposal.requires[1].type = 'choice';
      }),
    ).toEqual([
      expect.stringMatching(/^lead\.stages\[2\]\.requires\[0\]\.type: /),
      'lead.stages[2].requires[1]: a choice field lists its choices, and only a choice field has them',
    ]);
  });

  it('a task with no assignee role', () => {
    expect(
      problemsAfter((d) => {
        delete d.lead.stages[1].tasks[1].assignee;
      }),
    ).toEqual(['lead.stages[1].tasks[1].assignee: every task needs an assignee role']);
  });

  it('a cycle without an exit', () => {
    const problems = problemsAfter((d) => {
      const stages = d.deals[1].stages as Record<string, any>[];
      const approval = stages.find((s) => s.id === 'approval')!;
      const backToSales = stages.find((s) => s.id === 'back_to_sales')!;
      approval.moves = ['back_to_sales'];
      approval.tasks[0].onDone.moveTo = 'back_to_sales';
      backToSales.moves = [];
      backToSales.tasks[0].onDone.moveTo = 'approval';
      stages.find((s) => s.id === 'design_brief')!.moves = [];
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^deals\[1\]\.stages\[0\]: no way from "design_brief", "approval", "back_to_sales" to a final stage/,
      ),
    ]);
  });

  it('a misspelt duration, a second start stage and a robot with two actions, all at once', () => {
    const problems = problemsAfter((d) => {
      d.lead.stages[1].tasks[0].due = 'soon';
      d.deals[0].stages[2].kind = 'start';
      d.deals[0].stages[0].robots[0].setField = { field: 'x', value: 1 };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'lead.stages[1].tasks[0].due: expected a duration such as 20m, 2h or 3d, got "soon"',
        'deals[0].stages[0].robots[0]: a robot does exactly one of createTask, notify, messageClient, setField',
      ]),
    );
    // The start-stage check runs once the shape is valid.
    expect(
      problemsAfter((d) => {
        d.deals[0].stages[2].kind = 'start';
      }),
    ).toEqual(['deals[0].stages: needs exactly one start stage, found 2']);
  });

  it('a client message template with no text, and a deal pipeline that converts', async () => {
    const translator = await createTranslator('ru');
    const exists = (template: string) =>
      LOCALES.every((lng) => translator.instance.exists(`templates:${template}`, { lng }));
    const definition = loadProcessDefinition(DEFAULT_FILE);
    expect(() => checkTemplates(definition, 'default.yaml', exists)).not.toThrow();
    (
      definition.deals[0]!.stages[0]!.robots[0]!.action as { messageClient: { template: string } }
    ).messageClient.template = 'greetings_from_mars';
    expect(() => checkTemplates(definition, 'default.yaml', exists)).toThrow(
      'default.yaml: deals[0].stages[0].robots[0].messageClient.template: no text for template "greetings_from_mars"',
    );

    expect(
      problemsAfter((d) => {
        d.deals[0].stages[0].tasks[1].onDone.convert = true;
      }),
    ).toEqual([
      'deals[0].stages[0].tasks[1].onDone.convert: only the lead pipeline converts into deals',
    ]);
  });

  it('closing reasons on a stage that does not close, and a problem path to a final stage', () => {
    expect(
      problemsAfter((d) => {
        d.lead.stages[1].reasons = [{ id: 'spam', title: { ru: 'Спам', en: 'Spam' } }];
        d.deals[0].problem.moveTo = 'lost';
        d.deals[1].problem.moveTo = 'nowhere';
      }),
    ).toEqual(['lead.stages[1].reasons: only a lost or junk stage offers closing reasons']);
    expect(
      problemsAfter((d) => {
        d.deals[0].problem.moveTo = 'lost';
        d.deals[1].problem.moveTo = 'nowhere';
      }),
    ).toEqual([
      'deals[0].problem.moveTo: a problem waits at an ordinary stage, not at the start or a final one',
      'deals[1].problem.moveTo: unknown stage "nowhere" in pipeline "design"',
    ]);
  });

  it('broken YAML', () => {
    expect(() => parseProcessDefinition('lead: [unclosed', 'broken.yaml')).toThrow(/broken\.yaml/);
  });
});
