/**
 * @module Record view throughput: the full view through the HTTP API (session, consent check,
 * two durable audit entries, national trace, fan-out to five sources, STU3→R4 mapping, policy
 * filter, JSON) against a baseline of the bare fan-out — the same connectors, built as the server
 * builds them (reading each R4 source's CapabilityStatement, so one batch per R4 source where it is
 * offered), asking the same simulated sources for the same patients — measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createFhirR4Connector } from '../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../src/sources/gp-connect/gp-connect-connector.ts';
import { fetchSource } from '../src/http/fetch-source.ts';
import type { Connector, RequestingUser } from '../src/sources/source-result.ts';
import { PERSONAS } from '../sim/population/personas.ts';
import { resetRequestStats } from '../sim/servers/request-stats.ts';
import { startSims } from '../sim/start-sims.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';
import { benchClinician, BENCH_MONITORING } from './bench-clinician.ts';

const SECONDS_PER_MEASURE = 4;
const PATIENTS = 40;

/** Runs `task` from `workers` loops for a fixed time; returns completed operations per second and their count. */
async function throughput(
  workers: number,
  task: (i: number) => Promise<void>,
): Promise<{ perSec: number; done: number }> {
  const deadline = performance.now() + SECONDS_PER_MEASURE * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += workers) {
        await task(i);
        done += 1;
      }
    }),
  );
  return { perSec: done / ((performance.now() - started) / 1000), done };
}

export async function run(): Promise<BenchResult[]> {
  const sims = await startSims({ size: 200 });
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-'));
  const config = loadConfig({
    base: {
      monitoring: BENCH_MONITORING,
      demographics: { url: sims.demographicsUrl },
      sources: sims.sourcesConfig(),
      dataDir,
      server: { port: 0 },
      logging: { level: 'warn' },
      // One client makes every request: keep the limiter in the path, but never trip it.
      rateLimit: { api: { max: 1_000_000 } },
    },
    env: {},
  });
  const app = await buildApp(config);
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const large = PERSONAS.find((persona) => persona.key === 'large-gp-record')?.nhsNumber;
    const patients = Array.from({ length: PATIENTS }, (_, i) =>
      sims.population.nhsNumberAt(i),
    ).filter((nhs) => nhs !== large);
    const { user, cookie } = await benchClinician(app, url, 'bench-clinician', patients);

    const requesting: RequestingUser = { ...user };
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
    const r4Stats = config.sources
      .filter((source) => source.kind === 'fhir-r4')
      .map((source) => sims.stats[source.id])
      .filter((stats) => stats !== undefined);
    const r4Requests = (): number => r4Stats.reduce((sum, stats) => sum + stats.total, 0);
    const traced = new Map(
      patients.map((nhsNumber) => {
        const pds = sims.population.pdsPatient(nhsNumber);
        const name = pds?.name?.[0];
        return [
          nhsNumber,
          {
            nhsNumber,
            family: name?.family,
            given: name?.given,
            birthDate: pds?.birthDate,
            gender: pds?.gender,
          },
        ];
      }),
    );

    const patientAt = (i: number): string => patients[i % patients.length] ?? '';
    const bareFanOut = async (i: number): Promise<void> => {
      const patient = traced.get(patientAt(i));
      if (patient === undefined) throw new Error('no patient');
      await Promise.all(
        connectors.map((c) =>
          c.fetchRecord({ patient, user: requesting, requestId: `bench-${i}` }),
        ),
      );
    };
    const fullView = async (i: number): Promise<void> => {
      const response = await fetch(new URL(`/api/patients/${patientAt(i)}/record`, url), {
        headers: { cookie },
      });
      if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
      await response.arrayBuffer();
    };

    // The first calls read the R4 sources' CapabilityStatements in the background.
    await bareFanOut(0);
    await fullView(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bareFanOut(1);
    await fullView(1);
    const results: BenchResult[] = [];
    /** Throughput, and the R4 requests (every search page, lookup or batch) per operation. */
    const measured = async (workers: number, task: (i: number) => Promise<void>) => {
      for (const stats of r4Stats) resetRequestStats(stats);
      const { perSec, done } = await throughput(workers, task);
      return { perSec, perView: r4Requests() / Math.max(1, done) };
    };
    for (const workers of [1, 8]) {
      const bare = await measured(workers, bareFanOut);
      const full = await measured(workers, fullView);
      const baseline = bare.perSec;
      const subject = full.perSec;
      process.stderr.write(
        `  ${workers} client(s): R4 requests per view, bare fan-out ${bare.perView.toFixed(1)}, server ${full.perView.toFixed(1)}\n`,
      );
      // Issue #15: the JSON view at 0.7 × the bare fan-out or better.
      const result = benchResult(
        `record view via API, ${workers} client${workers === 1 ? '' : 's'}`,
        subject,
        baseline,
        'bare fan-out to the same sources',
      );
      results.push(withTarget(result, 'ratio ≥ 0.70', result.ratio >= 0.7));
    }
    return results;
  } finally {
    await app.close();
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
