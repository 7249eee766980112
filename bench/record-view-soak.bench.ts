/**
 * @module A bounded soak (issue #15): record views through the HTTP API from 4 clients for a fixed
 * time (60 s by default; `npm run bench -- soak --soak-hours 1`, or `MCR_BENCH_SOAK_SECONDS`, for
 * the hour), the server in its own process, its live heap (after a full GC) sampled every few
 * seconds. Reported: the live heap at the end (mean of the last 3 samples) against the live heap at
 * the start of the steady state (the first 3 after a warm-up of a tenth of the time): goal a ratio
 * below 1.10, growth under 10 %.
 */
import { startSims } from '../sim/start-sims.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';
import { startViewServer } from './view-server.ts';

const CLIENTS = 4;
const PATIENTS = 20;
const SAMPLES_AVERAGED = 3;

/** The soak's length: `--soak-hours H` on the command line, else MCR_BENCH_SOAK_SECONDS, else 60 s. */
function soakSeconds(): number {
  const flag = process.argv.indexOf('--soak-hours');
  const hours = flag < 0 ? NaN : Number(process.argv[flag + 1]);
  if (Number.isFinite(hours) && hours > 0) return hours * 3600;
  const seconds = Number(process.env['MCR_BENCH_SOAK_SECONDS']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 60;
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;

export async function run(): Promise<BenchResult[]> {
  const seconds = soakSeconds();
  const sampleEveryMs = Math.max(2000, (seconds * 1000) / 60);
  const sims = await startSims({ size: 200 });
  const large = '9990001014';
  const patients = Array.from({ length: PATIENTS + 1 }, (_, i) => sims.population.nhsNumberAt(i))
    .filter((nhs) => nhs !== large)
    .slice(0, PATIENTS);
  const server = await startViewServer({
    demographicsUrl: sims.demographicsUrl,
    sources: sims.sourcesConfig(),
    patients,
  });
  try {
    let views = 0;
    const refused = new Map<string, number>();
    const started = performance.now();
    const endAt = started + seconds * 1000;
    const warmUntil = started + seconds * 100;
    const load = Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = client; performance.now() < endAt; i += CLIENTS) {
          const nhsNumber = patients[i % patients.length] ?? '';
          const response = await fetch(new URL(`/api/patients/${nhsNumber}/record`, server.url), {
            headers: { cookie: server.cookie },
          });
          const body = await response.text();
          if (response.status === 503) {
            // Fail-closed refusals (the PDS trace or the audit past its deadline on a loaded
            // machine) are the server doing its job: counted and printed, not a soak failure.
            const code = /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'unknown';
            refused.set(code, (refused.get(code) ?? 0) + 1);
            continue;
          }
          if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
          views += 1;
        }
      }),
    );
    const steady: { at: number; heapUsed: number; rss: number }[] = [];
    let failed: unknown;
    load.catch((error: unknown) => {
      failed = error;
    });
    while (performance.now() < endAt && failed === undefined) {
      await new Promise((resolve) => setTimeout(resolve, sampleEveryMs));
      const live = await server.ask({ cmd: 'live' }, 'live');
      if (performance.now() >= warmUntil) steady.push({ at: performance.now(), ...live });
    }
    await load;
    if (steady.length < 2 * SAMPLES_AVERAGED) throw new Error('too few heap samples: soak longer');
    const first = mean(steady.slice(0, SAMPLES_AVERAGED).map((s) => s.heapUsed));
    const last = mean(steady.slice(-SAMPLES_AVERAGED).map((s) => s.heapUsed));
    const growth = ((last - first) / first) * 100;
    const rssFirst = steady[0]?.rss ?? NaN;
    const rssLast = steady.at(-1)?.rss ?? NaN;
    process.stderr.write(
      `  ${views} views in ${seconds.toFixed(0)} s (${(views / seconds).toFixed(0)}/s); live heap ${mib(first)} → ${mib(last)} (${growth.toFixed(1)} %), RSS ${mib(rssFirst)} → ${mib(rssLast)}, ${steady.length} samples${refused.size === 0 ? '' : `; refused with 503: ${[...refused].map(([code, n]) => `${code} ${n}`).join(', ')}`}\n`,
    );
    if (refused.size > 0 && [...refused.values()].reduce((a, b) => a + b, 0) > views / 100) {
      throw new Error('more than 1 % of views refused with 503: the soak did not hold its load');
    }
    return [
      withTarget(
        benchResult(
          `live heap at the end of a ${seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${seconds.toFixed(0)} s`} soak (MiB), ${CLIENTS} clients`,
          last / 1_048_576,
          first / 1_048_576,
          'live heap after a full GC at the start of the steady state (MiB)',
        ),
        'ratio < 1.10 (growth < 10 %)',
        growth < 10,
      ),
    ];
  } finally {
    await server.close();
    await sims.close();
  }
}
