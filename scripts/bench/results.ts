/** The shapes of one run's results, as written to bench/results.json. */
import type { BenchTimersResult } from '../bench-timers';
import type { HubNotes } from './harness';
import type { P1Result } from './p1';
import type { SaturationResult } from './saturation';
import type { P4Driver } from './settings';
import type { burstScenario } from './burst';
import type { growthScenario } from './growth';
import type { idleScenario } from './idle';
import type { p2Scenario } from './p2';
import type { P4Result } from './p4';
import type { p5Scenario } from './p5';
import type { reportsScenario } from './reports';

export interface Failed {
  error: string;
}
export type Outcome<T> = T | Failed;

export const failed = <T>(outcome: Outcome<T> | undefined): outcome is Failed =>
  typeof outcome === 'object' && outcome !== null && 'error' in outcome;

export const succeeded = <T extends object>(outcome: Outcome<T> | undefined): T | undefined =>
  outcome && !failed(outcome) ? outcome : undefined;

export type P1Key = `${'new' | 'returning'}_${number}`;

export interface RunResult {
  run: number;
  startedAt: string;
  seconds: number;
  idle?: Outcome<Awaited<ReturnType<typeof idleScenario>>>;
  p1: Partial<Record<P1Key, Outcome<P1Result & HubNotes>>>;
  saturation?: Outcome<SaturationResult>;
  p2?: Outcome<Awaited<ReturnType<typeof p2Scenario>>>;
  burst?: Outcome<Awaited<ReturnType<typeof burstScenario>>>;
  p3?: Outcome<BenchTimersResult>;
  /** By driver (settings.ts, P4_DRIVERS). */
  p4?: Partial<Record<P4Driver, Outcome<P4Result & HubNotes>>>;
  p5?: Outcome<Awaited<ReturnType<typeof p5Scenario>>>;
  reports?: Outcome<Awaited<ReturnType<typeof reportsScenario>>>;
  growth: Record<string, Outcome<Awaited<ReturnType<typeof growthScenario>>>>;
  /** What the time budget left out. */
  skipped: string[];
}

export interface Meta {
  date: string;
  machine: { cores: number; cpuModel: string; memoryGb: number; platform: string };
  node: string;
  engine: string;
  engineVersion: string;
  quick: boolean;
  runsPlanned: number;
  runsDone: number;
  totalSeconds: number;
  settings: unknown;
  /** Set when the bench itself failed (the database would not start, …). */
  error?: string;
}
