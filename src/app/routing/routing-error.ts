import type { SyntaxProblem } from '../../domain/routing/syntax';

export type RoutingProblem =
  | SyntaxProblem
  | { code: 'unknown_manager' | 'ambiguous_manager' | 'unknown_department'; value: string }
  | { code: 'shadowed'; position: number; by: number }
  | { code: 'no_such_rule'; position: number }
  | { code: 'nothing_to_undo' };

/** A refused change to the rules: nothing was saved; each problem is explained to the admin. */
export class RoutingError extends Error {
  constructor(readonly problems: RoutingProblem[]) {
    super(problems.map((problem) => problem.code).join(', '));
    this.name = 'RoutingError';
  }
}
