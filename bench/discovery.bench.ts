/**
 * @module Record discovery at region scale: one record view (through the HTTP API) with 300
 * practices found through SDS, 10 R4 sources gated by the PIXm index, and the NRL, against the
 * same view with today's fixed set (2 listed practices and 3 R4 sources, all asked), in the same
 * run; with the calls each view made to the simulated systems.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../src/app.ts';
import type { SourceConfig } from '../src/config/config-schema.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { PERSONAS } from '../sim/population/personas.ts';
import { startSims, type RunningSims } from '../sim/start-sims.ts';
import { benchResult, type BenchResult } from './bench-result.ts';
import { benchClinician, BENCH_MONITORING } from './bench-clinician.ts';

const VIEWS = 60;
const PATIENTS = 30;

interface Measured {
  /** Sequential views per second (one clinician). */
  readonly viewsPerSec: number;
  /** Requests the simulated systems received per view, PDS included. */
  readonly callsPerView: number;
  /** GP Connect requests per view. */
  readonly gpCallsPerView: number;
}

async function measure(region: boolean): Promise<Measured> {
  const sims = await startSims({ size: 200, region });
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-discovery-'));
  let app: App | undefined;
  try {
    const config = loadConfig({
      base: {
        monitoring: BENCH_MONITORING,
        demographics: { url: sims.demographicsUrl },
        sources: region ? tenR4Sources(sims) : sims.sourcesConfig(),
        ...sims.discoveryConfig(),
        dataDir,
        server: { port: 0 },
        logging: { level: 'warn' },
      },
      env: {},
    });
    app = await buildApp(config);
    const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
    const large = PERSONAS.find((persona) => persona.key === 'large-gp-record')?.nhsNumber;
    const patients = Array.from({ length: PATIENTS }, (_, i) =>
      sims.population.nhsNumberAt(PERSONAS.length + i),
    ).filter((nhs) => nhs !== large);
    const { cookie } = await benchClinician(app, url, 'bench-discovery', patients);
    const view = async (i: number): Promise<void> => {
      const nhsNumber = patients[i % patients.length] ?? '';
      const response = await fetch(new URL(`/api/patients/${nhsNumber}/record`, url), {
        headers: { cookie },
      });
      if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
      await response.arrayBuffer();
    };
    await view(0);
    const calls = (): number =>
      Object.values(sims.stats).reduce((sum, stats) => sum + stats.total, 0);
    const gpCalls = (): number =>
      Object.entries(sims.stats)
        .filter(([id]) => id === 'gp-connect' || id.startsWith('gp-'))
        .reduce((sum, [, stats]) => sum + stats.total, 0);
    const callsBefore = calls();
    const gpBefore = gpCalls();
    const started = performance.now();
    for (let i = 0; i < VIEWS; i++) await view(i);
    const seconds = (performance.now() - started) / 1000;
    return {
      viewsPerSec: VIEWS / seconds,
      callsPerView: (calls() - callsBefore) / VIEWS,
      gpCallsPerView: (gpCalls() - gpBefore) / VIEWS,
    };
  } finally {
    await app?.close();
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The region's 7 R4 sources (each with its index domain) and 3 more with no domain, always
 * asked (a mental health trust and two more systems on the primary trusts' servers).
 */
function tenR4Sources(sims: RunningSims): SourceConfig[] {
  const region = sims.sourcesConfig();
  const extra = ['hospital', 'community', 'social-care'].flatMap((id, n): SourceConfig[] => {
    const base = region.find((source) => source.id === id);
    if (base === undefined) return [];
    const unindexed: SourceConfig = {
      ...base,
      id: `${id}-unindexed`,
      name: `${base.name} (not indexed ${String(n + 1)})`,
    };
    delete unindexed.patientIdentifierSystem;
    return [unindexed];
  });
  return [...region, ...extra];
}

export async function run(): Promise<BenchResult[]> {
  const today = await measure(false);
  const region = await measure(true);
  return [
    benchResult(
      `record view, region (300 practices via SDS, 10 R4 + index, NRL): ${region.callsPerView.toFixed(1)} calls/view, ${region.gpCallsPerView.toFixed(1)} GP Connect`,
      region.viewsPerSec,
      today.viewsPerSec,
      `today's fixed set (2 practices, 3 R4, all asked): ${today.callsPerView.toFixed(1)} calls/view, ${today.gpCallsPerView.toFixed(1)} GP Connect`,
    ),
  ];
}
