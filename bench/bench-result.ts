/** @module What a benchmark reports: each measurement as a ratio against a baseline measured in the same run. */

/** One measured line of the table. */
export interface BenchResult {
  /** What was measured, e.g. `audit append, sqlite, 8 writers`. */
  readonly name: string;
  /** Operations per second of the subject (or, where the name says `(ms)`, milliseconds). */
  readonly opsPerSec: number;
  /** The same of the baseline, measured in the same run. */
  readonly baselineOpsPerSec: number;
  /** opsPerSec / baselineOpsPerSec. */
  readonly ratio: number;
  /** What the baseline was, e.g. `plain durable INSERT`. */
  readonly baseline?: string;
  /** The goal this measure is held to (issue #15), e.g. `≥ 10000/s`, and whether this run met it. */
  readonly target?: { readonly goal: string; readonly met: boolean };
}

/** What a bench file (`bench/*.bench.ts`) exports. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** The result line for a subject and its baseline. */
export function benchResult(
  name: string,
  opsPerSec: number,
  baselineOpsPerSec: number,
  baseline?: string,
): BenchResult {
  return {
    name,
    opsPerSec,
    baselineOpsPerSec,
    ratio: baselineOpsPerSec > 0 ? opsPerSec / baselineOpsPerSec : 0,
    ...(baseline === undefined ? {} : { baseline }),
  };
}

/** The result with the goal it is held to and whether this run met it. */
export function withTarget(result: BenchResult, goal: string, met: boolean): BenchResult {
  return { ...result, target: { goal, met } };
}
