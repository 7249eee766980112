/** @module One line per simulated source: what it is and where it listens. */
import type { RunningSims } from '../../../sim/start-sims.ts';

export function describeSims(sims: RunningSims): string[] {
  const lines = [`demographics (PDS)   ${sims.demographicsUrl}`];
  for (const source of sims.sourcesConfig()) {
    lines.push(
      `${source.id.padEnd(20)} ${source.url}  (${source.name}, ${source.kind}, ODS ${source.organisation})`,
    );
  }
  return lines;
}
