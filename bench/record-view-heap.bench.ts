/**
 * @module Heap per in-flight large view (issue #15): the 5 MB record (999 000 1014) viewed by a
 * few clients at once through the HTTP API, the server in its own process (sims and client
 * outside it), its heap sampled every 2 ms from a full GC until the views are answered. Reported:
 * the heap peak above that start, per view in flight, as a multiple of the bytes the view's source
 * calls received (goal ≤ 5 ×); baseline: the same for the bare fan-out (the same PDS trace and
 * source calls, answers held until every view's are in), in the same process and run.
 */
import { PERSONAS } from '../sim/population/personas.ts';
import { startSims } from '../sim/start-sims.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';
import { startViewServer } from './view-server.ts';

const LARGE = '9990001014';
const IN_FLIGHT = 4;
const ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function run(): Promise<BenchResult[]> {
  if (!PERSONAS.some((persona) => persona.nhsNumber === LARGE)) throw new Error('no 5 MB persona');
  const sims = await startSims({ size: 200 });
  const server = await startViewServer({
    demographicsUrl: sims.demographicsUrl,
    sources: sims.sourcesConfig(),
    patients: [LARGE],
  });
  try {
    const view = async (): Promise<void> => {
      const response = await fetch(new URL(`/api/patients/${LARGE}/record`, server.url), {
        headers: { cookie: server.cookie },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
    };
    // Warm up both paths (JIT, connection pools, prepared statements).
    await view();
    await server.ask({ cmd: 'raw', nhsNumber: LARGE, count: 1 }, 'raw');

    const viewMultiples: number[] = [];
    const rawMultiples: number[] = [];
    const viewHeld: number[] = [];
    const rawHeld: number[] = [];
    let bytesPerView = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await server.ask({ cmd: 'raw', nhsNumber: LARGE, count: IN_FLIGHT }, 'raw');
      bytesPerView = raw.bytesPerView;
      rawMultiples.push((raw.peak - raw.base) / IN_FLIGHT / raw.bytesPerView);
      rawHeld.push((raw.heldPeak - raw.heldBase) / IN_FLIGHT / raw.bytesPerView);
      const start = await server.ask({ cmd: 'peak-start' }, 'peak');
      await Promise.all(Array.from({ length: IN_FLIGHT }, view));
      const stop = await server.ask({ cmd: 'peak-stop' }, 'peak');
      viewMultiples.push((stop.heapUsed - start.base) / IN_FLIGHT / raw.bytesPerView);
      viewHeld.push((stop.heldPeak - start.heldBase) / IN_FLIGHT / raw.bytesPerView);
    }
    const subject = median(viewMultiples);
    const baseline = median(rawMultiples);
    const subjectHeld = median(viewHeld);
    const baselineHeld = median(rawHeld);
    process.stderr.write(
      `  ${(bytesPerView / 1_048_576).toFixed(1)} MiB received per view; heap per in-flight view ${subject.toFixed(2)} × (rounds ${viewMultiples.map((m) => m.toFixed(2)).join(', ')}), bare fan-out ${baseline.toFixed(2)} ×; with Buffers ${subjectHeld.toFixed(2)} × (rounds ${viewHeld.map((m) => m.toFixed(2)).join(', ')}), bare fan-out ${baselineHeld.toFixed(2)} ×\n`,
    );
    return [
      withTarget(
        benchResult(
          `heap per in-flight view (× bytes received), 5 MB record, ${IN_FLIGHT} at once`,
          subject,
          baseline,
          'the bare fan-out, the same calls, answers held (× bytes received)',
        ),
        '≤ 5 ×',
        subject <= 5,
      ),
      // Not the measure (the V8 heap), but what a view holds wherever it is: said beside it.
      benchResult(
        `heap and Buffers per in-flight view (× bytes received), 5 MB record, ${IN_FLIGHT} at once`,
        subjectHeld,
        baselineHeld,
        'the bare fan-out, the same calls, answers held (× bytes received)',
      ),
    ];
  } finally {
    await server.close();
    await sims.close();
  }
}
