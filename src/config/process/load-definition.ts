import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ProcessDefinition } from '../../domain/process/definition';
import { validateDefinition, type DefinitionProblem } from '../../domain/process/validate';
import { processDefinitionSchema } from './definition.schema';

export class ProcessDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: DefinitionProblem[],
  ) {
    super(
      `Invalid process definition ${file}:\n` +
        problems.map((p) => `  - ${file}: ${p.path || '(root)'}: ${p.message}`).join('\n'),
    );
    this.name = 'ProcessDefinitionError';
  }
}

function formatPath(parts: readonly PropertyKey[]): string {
  return parts
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Parses and checks a definition; every problem found is reported at once, with its place. */
export function parseProcessDefinition(source: string, file: string): ProcessDefinition {
  const document = YAML.parseDocument(source, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ProcessDefinitionError(
      file,
      document.errors.map((error) => ({ path: '', message: error.message })),
    );
  }
  const parsed = processDefinitionSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new ProcessDefinitionError(
      file,
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
      })),
    );
  }
  const problems = validateDefinition(parsed.data);
  if (problems.length > 0) throw new ProcessDefinitionError(file, problems);
  return parsed.data;
}

export function loadProcessDefinition(file: string): ProcessDefinition {
  return parseProcessDefinition(readFileSync(file, 'utf8'), path.basename(file));
}

/**
 * Robots that message the client name a template; its text lives in `locales/<lng>/templates.json`.
 * A template missing in any language is a definition error, found at start rather than in front
 * of a client.
 */
export function checkTemplates(
  definition: ProcessDefinition,
  file: string,
  exists: (template: string) => boolean,
): void {
  const problems: DefinitionProblem[] = [];
  const pipelines = [
    ['lead', definition.lead] as const,
    ...definition.deals.map((pipeline, i) => [`deals[${i}]`, pipeline] as const),
  ];
  for (const [base, pipeline] of pipelines) {
    pipeline.stages.forEach((stage, i) =>
      stage.robots.forEach((robot, j) => {
        if ('messageClient' in robot.action && !exists(robot.action.messageClient.template)) {
          problems.push({
            path: `${base}.stages[${i}].robots[${j}].messageClient.template`,
            message: `no text for template "${robot.action.messageClient.template}" in locales/*/templates.json`,
          });
        }
      }),
    );
  }
  if (problems.length > 0) throw new ProcessDefinitionError(file, problems);
}
