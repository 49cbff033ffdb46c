import type { Pipeline, StageKind, Text } from '../../domain/process/definition';

export interface FunnelRow {
  stage: string;
  title: Text;
  kind: StageKind;
  /** Records at this stage now. */
  now: number;
  /**
   * Records at this stage or further along the path (won included); undefined for the stages off
   * the path (lost, junk, a problem's), which only count what is there.
   */
  reached?: number;
  /** Share of the previous stage's `reached` that got this far, in whole percent. */
  conversion?: number;
}

const OFF_PATH: readonly StageKind[] = ['lost', 'junk'];
/** Off the path too: the stage a problem parks a record at, which it leaves back to where it was. */
const offPath = (pipeline: Pipeline, stage: Pipeline['stages'][number]) =>
  OFF_PATH.includes(stage.kind) || stage.id === pipeline.problem?.moveTo;

/**
 * A funnel from where each record is now, in the order the definition lists its stages. No
 * stage history is kept, so a record is taken to have passed every path stage before its
 * current one; a lost or junk record counts at the start stage only (where it left from is not
 * stored), which makes the first conversion the honest "did not drop out" share.
 */
export function funnelOf(
  pipeline: Pipeline,
  countsByStage: ReadonlyMap<string, number>,
): FunnelRow[] {
  const path = pipeline.stages.filter((stage) => !offPath(pipeline, stage));
  const offPathTotal = pipeline.stages
    .filter((stage) => offPath(pipeline, stage))
    .reduce((sum, stage) => sum + (countsByStage.get(stage.id) ?? 0), 0);
  let previous: number | undefined;
  const rows: FunnelRow[] = [];
  for (const [index, stage] of path.entries()) {
    const further = path.slice(index).reduce((sum, s) => sum + (countsByStage.get(s.id) ?? 0), 0);
    const reached = index === 0 ? further + offPathTotal : further;
    rows.push({
      stage: stage.id,
      title: stage.title,
      kind: stage.kind,
      now: countsByStage.get(stage.id) ?? 0,
      reached,
      ...(previous !== undefined && previous > 0
        ? { conversion: Math.round((reached / previous) * 100) }
        : {}),
    });
    previous = reached;
  }
  for (const stage of pipeline.stages.filter((s) => offPath(pipeline, s))) {
    rows.push({
      stage: stage.id,
      title: stage.title,
      kind: stage.kind,
      now: countsByStage.get(stage.id) ?? 0,
    });
  }
  return rows;
}
