/**
 * @module What a record view costs beyond its sources (issue #15), each against a raw client
 * making the same calls in the same run, every call to a simulated system taking 50 ms:
 * - beyond the raw serial chain (PDS trace, then every source in parallel), p95 at one client,
 *   for the typical record (999 000 0107, goal ≤ 20 ms) and the 5 MB record (999 000 1014,
 *   goal ≤ 60 ms);
 * - a hung source (the hospital never answers): the view's p50 beyond that source's deadline
 *   (goal ≤ 50 ms);
 * - 1 → 20 R4 sources: p50 of the view with twenty against one (goal within 10 %).
 * Views and raw chains are interleaved, so drift on a shared machine hits both alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../src/app.ts';
import type { SourceConfig } from '../src/config/config-schema.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createDemographicsClient } from '../src/identity/demographics-client.ts';
import { createFhirR4Connector } from '../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../src/sources/gp-connect/gp-connect-connector.ts';
import { fetchSource } from '../src/http/fetch-source.ts';
import type { TracedPatient } from '../src/identity/traced-patient.ts';
import type { Connector, RequestingUser } from '../src/sources/source-result.ts';
import { startSims, type RunningSims } from '../sim/start-sims.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';
import { benchClinician, BENCH_MONITORING } from './bench-clinician.ts';

const CALL_MS = 50;
const TYPICAL = '9990000107';
const LARGE = '9990001014';
const HUNG_DEADLINE_MS = 1000;

interface System {
  readonly app: App;
  readonly url: string;
  readonly cookie: string;
  readonly connectors: readonly Connector[];
  readonly requesting: RequestingUser;
  readonly trace: (nhsNumber: string) => Promise<TracedPatient>;
  close(): Promise<void>;
}

/** The server over these sims with these sources, a signed-in clinician with permission for `patients`. */
async function startSystem(
  sims: RunningSims,
  sources: SourceConfig[],
  patients: readonly string[],
): Promise<System> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-cost-'));
  const config = loadConfig({
    base: {
      monitoring: BENCH_MONITORING,
      demographics: { url: sims.demographicsUrl },
      sources,
      dataDir,
      server: { port: 0 },
      logging: { level: 'warn' },
      rateLimit: { api: { max: 1_000_000 } },
    },
    env: {},
  });
  const app = await buildApp(config);
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  const { user, cookie } = await benchClinician(app, url, 'bench-cost', patients);
  const connectors: Connector[] = config.sources.map((source) =>
    source.kind === 'gp-connect'
      ? createGpConnectConnector({
          source,
          consumer: { asid: config.consumer.asid, url, organisationName: 'bench' },
          fetchSource,
        })
      : // As the server builds them (src/app.ts): the same requests to each R4 source.
        createFhirR4Connector({ source, fetchSource, chainedSearch: true }),
  );
  const demographics = createDemographicsClient({
    url: sims.demographicsUrl,
    timeoutMs: config.demographics.timeoutMs,
    fetchSource,
  });
  return {
    app,
    url,
    cookie,
    connectors,
    requesting: { ...user },
    async trace(nhsNumber) {
      const found = await demographics.getPatient(nhsNumber);
      if (found.kind !== 'found') throw new Error(`raw trace of ${nhsNumber}: ${found.kind}`);
      const { patient } = found;
      return {
        nhsNumber: patient.nhsNumber,
        family: patient.name?.family,
        given: patient.name?.given,
        birthDate: patient.birthDate,
        gender: patient.gender,
      };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One view through the API, in milliseconds. */
async function timedView(system: System, nhsNumber: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL(`/api/patients/${nhsNumber}/record`, system.url), {
    headers: { cookie: system.cookie },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
  return performance.now() - started;
}

/**
 * The raw serial chain: the same PDS trace, then every connector in parallel (built as the server
 * builds them, so the same requests: one batch per R4 source where offered), in milliseconds.
 */
async function timedRawChain(system: System, nhsNumber: string, i: number): Promise<number> {
  const started = performance.now();
  const patient = await system.trace(nhsNumber);
  await Promise.all(
    system.connectors.map((c) =>
      c.fetchRecord({ patient, user: system.requesting, requestId: `bench-raw-${i}` }),
    ),
  );
  return performance.now() - started;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Views and raw chains, interleaved, `rounds` of each; with `requests` (a sim's request count), the
 * requests each view and each raw chain made to it, on average.
 */
async function interleaved(
  system: System,
  nhsNumber: string,
  rounds: number,
  requests?: () => number,
): Promise<{ views: number[]; raw: number[]; requestsPerView: number; requestsPerRaw: number }> {
  const views: number[] = [];
  const raw: number[] = [];
  // The first of each reads the R4 sources' CapabilityStatements in the background.
  await timedView(system, nhsNumber);
  await timedRawChain(system, nhsNumber, -1);
  await new Promise((resolve) => setTimeout(resolve, 2 * CALL_MS + 50));
  await timedView(system, nhsNumber);
  await timedRawChain(system, nhsNumber, -2);
  let byViews = 0;
  let byRaw = 0;
  for (let i = 0; i < rounds; i++) {
    const before = requests?.() ?? 0;
    views.push(await timedView(system, nhsNumber));
    const between = requests?.() ?? 0;
    raw.push(await timedRawChain(system, nhsNumber, i));
    byViews += between - before;
    byRaw += (requests?.() ?? 0) - between;
  }
  return { views, raw, requestsPerView: byViews / rounds, requestsPerRaw: byRaw / rounds };
}

function slowEverything(sims: RunningSims): void {
  for (const server of Object.values(sims.servers)) {
    server.faults.set({ kind: 'latency', ms: CALL_MS });
  }
}

/** `count` R4 sources, copies of the hospital under distinct ids (no GP, so every call is R4). */
function r4Sources(sims: RunningSims, count: number): SourceConfig[] {
  const hospital = sims.sourcesConfig().find((source) => source.id === 'hospital');
  if (hospital === undefined) throw new Error('no hospital sim');
  return Array.from({ length: count }, (_, n) => ({
    ...hospital,
    id: n === 0 ? 'hospital' : `hospital-copy-${n}`,
    name: n === 0 ? hospital.name : `${hospital.name} (copy ${n})`,
  }));
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const sims = await startSims({ size: 200 });
  try {
    slowEverything(sims);
    // Beyond the raw chain, typical and large records.
    const system = await startSystem(sims, sims.sourcesConfig(), [TYPICAL, LARGE]);
    try {
      for (const [nhsNumber, label, goal, rounds] of [
        [TYPICAL, 'typical record 999 000 0107', 20, 40],
        [LARGE, '5 MB record 999 000 1014', 60, 15],
      ] as const) {
        const { views, raw } = await interleaved(system, nhsNumber, rounds);
        const beyond = percentile(views, 95) - percentile(raw, 95);
        process.stderr.write(
          `  ${label}: view p95 ${ms(percentile(views, 95))}, raw chain p95 ${ms(percentile(raw, 95))}, beyond ${ms(beyond)}\n`,
        );
        results.push(
          withTarget(
            benchResult(
              `view p95 beyond the raw chain (ms), ${label}, ${CALL_MS} ms per call`,
              beyond,
              percentile(raw, 95),
              'raw chain p95 (ms): PDS trace, then the same calls in parallel',
            ),
            `≤ ${goal} ms`,
            beyond <= goal,
          ),
        );
      }
    } finally {
      await system.close();
    }

    // One hung source, beyond its deadline.
    const hungSources = sims
      .sourcesConfig()
      .map((source) =>
        source.id === 'hospital' ? { ...source, timeoutMs: HUNG_DEADLINE_MS } : source,
      );
    const hungSystem = await startSystem(sims, hungSources, [TYPICAL]);
    try {
      sims.servers['hospital']?.faults.set({ kind: 'hang' });
      const { views, raw } = await interleaved(hungSystem, TYPICAL, 6);
      const beyond = percentile(views, 50) - HUNG_DEADLINE_MS;
      const rawBeyond = percentile(raw, 50) - HUNG_DEADLINE_MS;
      process.stderr.write(
        `  hung hospital (deadline ${HUNG_DEADLINE_MS} ms): view p50 ${ms(percentile(views, 50))}, raw p50 ${ms(percentile(raw, 50))}\n`,
      );
      results.push(
        withTarget(
          benchResult(
            'view p50 beyond a hung source’s deadline (ms)',
            beyond,
            rawBeyond,
            'raw chain p50 beyond the same deadline (ms)',
          ),
          '≤ 50 ms',
          beyond <= 50,
        ),
      );
    } finally {
      sims.servers['hospital']?.faults.set({ kind: 'latency', ms: CALL_MS });
      await hungSystem.close();
    }

    // 1 → 20 R4 sources.
    const p50s: number[] = [];
    const rawP50s: number[] = [];
    for (const count of [1, 20]) {
      const many = await startSystem(sims, r4Sources(sims, count), [TYPICAL]);
      try {
        // Every copy is the one hospital sim: its count is every R4 request of the view.
        const { views, raw, requestsPerView, requestsPerRaw } = await interleaved(
          many,
          TYPICAL,
          15,
          () => sims.stats['hospital']?.total ?? 0,
        );
        p50s.push(percentile(views, 50));
        rawP50s.push(percentile(raw, 50));
        process.stderr.write(
          `  ${count} R4 source(s): R4 requests per view ${requestsPerView.toFixed(1)}, per raw chain ${requestsPerRaw.toFixed(1)}\n`,
        );
      } finally {
        await many.close();
      }
    }
    const [one = NaN, twenty = NaN] = p50s;
    const [rawOne = NaN, rawTwenty = NaN] = rawP50s;
    process.stderr.write(
      `  1 R4 source p50 ${ms(one)}, 20 R4 sources p50 ${ms(twenty)}; raw chain ${ms(rawOne)} → ${ms(rawTwenty)}\n`,
    );
    results.push(
      withTarget(
        benchResult(
          `view p50 with 20 R4 sources (ms), ${CALL_MS} ms per call`,
          twenty,
          one,
          `the same with 1 R4 source (ms); raw chain ${rawOne.toFixed(0)} → ${rawTwenty.toFixed(0)} ms`,
        ),
        'ratio ≤ 1.10',
        twenty / one <= 1.1,
      ),
    );
  } finally {
    await sims.close();
  }
  return results;
}
