import { FINAL_KINDS, type Pipeline, type ProcessDefinition } from './definition';

export interface DefinitionProblem {
  /** A dotted path into the definition, e.g. `deals[1].stages[2].tasks[0].onDone.moveTo`. */
  path: string;
  message: string;
}

/**
 * Checks what a schema cannot: references between stages, one start per pipeline, final stages
 * present, and that every stage can still reach a final one (a cycle without an exit would leave
 * records circling forever).
 */
export function validateDefinition(definition: ProcessDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const pipelines: [string, Pipeline][] = [
    ['lead', definition.lead],
    ...definition.deals.map((pipeline, i): [string, Pipeline] => [`deals[${i}]`, pipeline]),
  ];
  const dealIds = new Set<string>();
  definition.deals.forEach((pipeline, i) => {
    if (dealIds.has(pipeline.id))
      problems.push({ path: `deals[${i}].id`, message: `duplicate deal type "${pipeline.id}"` });
    dealIds.add(pipeline.id);
  });
  for (const [path, pipeline] of pipelines) problems.push(...validatePipeline(path, pipeline));
  definition.followUps.forEach((followUp, i) => {
    if (!('enter' in followUp.on)) return;
    const { enter, pipeline } = followUp.on;
    const candidates = pipelines.filter(([, p]) => pipeline === undefined || p.id === pipeline);
    if (!candidates.some(([, p]) => p.stages.some((stage) => stage.id === enter)))
      problems.push({
        path: `followUps[${i}].on.enter`,
        message: `unknown stage "${enter}"${pipeline ? ` in pipeline "${pipeline}"` : ''}`,
      });
  });
  return problems;
}

function validatePipeline(base: string, pipeline: Pipeline): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const ids = new Map<string, number>();
  pipeline.stages.forEach((stage, i) => {
    if (ids.has(stage.id))
      problems.push({ path: `${base}.stages[${i}].id`, message: `duplicate stage "${stage.id}"` });
    ids.set(stage.id, i);
  });
  const known = (path: string, stageId: string) => {
    if (!ids.has(stageId))
      problems.push({ path, message: `unknown stage "${stageId}" in pipeline "${pipeline.id}"` });
  };

  const starts = pipeline.stages.filter((stage) => stage.kind === 'start');
  if (starts.length !== 1)
    problems.push({
      path: `${base}.stages`,
      message: `needs exactly one start stage, found ${starts.length}`,
    });
  if (!pipeline.stages.some((stage) => FINAL_KINDS.includes(stage.kind)))
    problems.push({ path: `${base}.stages`, message: 'needs at least one final stage' });

  const edges = new Map<string, Set<string>>();
  pipeline.stages.forEach((stage, i) => {
    const out = new Set<string>();
    const at = `${base}.stages[${i}]`;
    stage.moves.forEach((target, j) => {
      known(`${at}.moves[${j}]`, target);
      out.add(target);
    });
    stage.tasks.forEach((task, j) => {
      if (task.onDone.convert && base !== 'lead')
        problems.push({
          path: `${at}.tasks[${j}].onDone.convert`,
          message: 'only the lead pipeline converts into deals',
        });
      if (task.onDone.moveTo) {
        known(`${at}.tasks[${j}].onDone.moveTo`, task.onDone.moveTo);
        out.add(task.onDone.moveTo);
      }
    });
    if (FINAL_KINDS.includes(stage.kind) && stage.tasks.some((task) => task.onDone.moveTo))
      problems.push({ path: `${at}.tasks`, message: 'a final stage cannot move on by itself' });
    edges.set(stage.id, out);
  });
  if (pipeline.problem) {
    const at = ids.get(pipeline.problem.moveTo);
    known(`${base}.problem.moveTo`, pipeline.problem.moveTo);
    if (at !== undefined && pipeline.stages[at]!.kind !== 'ordinary')
      problems.push({
        path: `${base}.problem.moveTo`,
        message: 'a problem waits at an ordinary stage, not at the start or a final one',
      });
  }
  pipeline.triggers.forEach((trigger, i) => {
    known(`${base}.triggers[${i}].moveTo`, trigger.moveTo);
    trigger.from.forEach((from, j) => known(`${base}.triggers[${i}].from[${j}]`, from));
    const sources = trigger.from.length > 0 ? trigger.from : [...ids.keys()];
    for (const source of sources) edges.get(source)?.add(trigger.moveTo);
  });

  // Walk backwards from the final stages; whatever is never reached has no way out.
  const canFinish = new Set(
    pipeline.stages.filter((s) => FINAL_KINDS.includes(s.kind)).map((s) => s.id),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const [stage, targets] of edges) {
      if (!canFinish.has(stage) && [...targets].some((target) => canFinish.has(target))) {
        canFinish.add(stage);
        grew = true;
      }
    }
  }
  const stuck = pipeline.stages.filter((stage) => !canFinish.has(stage.id));
  if (stuck.length > 0 && canFinish.size > 0)
    problems.push({
      path: `${base}.stages[${ids.get(stuck[0]!.id)}]`,
      message: `no way from ${stuck.map((s) => `"${s.id}"`).join(', ')} to a final stage (a cycle without an exit)`,
    });
  return problems;
}
