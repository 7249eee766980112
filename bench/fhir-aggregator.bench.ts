/**
 * @module The aggregated FHIR search against fhir-aggregator-mediator's way of doing it (issue
 * #15): a reimplementation of its plain parallel fetch-merge as the baseline — for each of the
 * three R4 sims, the Patient by NHS number, then the searched type by that patient, every page,
 * the entries merged into one searchset Bundle, no session, consent, audit, trace or filter —
 * against our `GET /fhir/Observation?patient={nhsNumber}` over the same three sims, each source
 * configured to search that type alone, so both make the same source calls (ours adds the PDS
 * trace). Throughput at 1 and 8 clients, goal ≥ 1 × the mediator's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { NHS_NUMBER_SYSTEM } from '../src/identity/nhs-number.ts';
import { startSims } from '../sim/start-sims.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';
import { benchClinician, BENCH_MONITORING } from './bench-clinician.ts';

const SECONDS_PER_MEASURE = 4;
const PATIENTS = 20;
const TYPE = 'Observation';

interface SearchBundle {
  readonly entry?: readonly { readonly resource?: { readonly id?: string } }[];
  readonly link?: readonly { readonly relation?: string; readonly url?: string }[];
}

async function getJson(url: string): Promise<SearchBundle | undefined> {
  const response = await fetch(url, { headers: { accept: 'application/fhir+json' } });
  const body = (await response.json()) as SearchBundle;
  return response.ok ? body : undefined;
}

/** The mediator: each source's patient, then the type by patient (all pages), merged. */
function startMediator(bases: readonly string[]): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://mediator');
      const nhsNumber = url.searchParams.get('patient') ?? '';
      const perSource = await Promise.all(
        bases.map(async (base) => {
          const found = await getJson(
            `${base}/Patient?identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`)}`,
          );
          const id = found?.entry?.[0]?.resource?.id;
          if (id === undefined) return [];
          const entries: unknown[] = [];
          let next: string | undefined =
            `${base}/${TYPE}?patient=${encodeURIComponent(id)}&_count=100`;
          while (next !== undefined) {
            const page = await getJson(next);
            if (page === undefined) break;
            entries.push(...(page.entry ?? []));
            next = page.link?.find((link) => link.relation === 'next')?.url;
          }
          return entries;
        }),
      );
      const entry = perSource.flat();
      response.writeHead(200, { 'content-type': 'application/fhir+json' });
      response.end(
        JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: entry.length, entry }),
      );
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

/** Runs `task` from `workers` loops for a fixed time; returns completed operations per second. */
async function throughput(workers: number, task: (i: number) => Promise<void>): Promise<number> {
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
  return done / ((performance.now() - started) / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const sims = await startSims({ size: 200 });
  const r4 = sims
    .sourcesConfig()
    .filter((source) => source.kind === 'fhir-r4')
    .map((source) => ({ ...source, resourceTypes: [TYPE] }));
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-aggregator-'));
  const config = loadConfig({
    base: {
      monitoring: BENCH_MONITORING,
      demographics: { url: sims.demographicsUrl },
      sources: r4,
      dataDir,
      server: { port: 0 },
      logging: { level: 'warn' },
      rateLimit: { api: { max: 1_000_000 } },
    },
    env: {},
  });
  const app = await buildApp(config);
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  const mediator = await startMediator(r4.map((source) => source.url.replace(/\/+$/, '')));
  const mediatorUrl = `http://127.0.0.1:${(mediator.address() as AddressInfo).port}`;
  try {
    const large = '9990001014';
    const patients = Array.from({ length: PATIENTS + 1 }, (_, i) => sims.population.nhsNumberAt(i))
      .filter((nhs) => nhs !== large)
      .slice(0, PATIENTS);
    const { cookie } = await benchClinician(app, url, 'bench-aggregator', patients);
    const patientAt = (i: number): string => patients[i % patients.length] ?? '';

    const entriesOf = async (response: Response): Promise<number> => {
      const body = (await response.json()) as SearchBundle;
      if (response.status !== 200) throw new Error(`search answered ${response.status}`);
      return body.entry?.length ?? 0;
    };
    const viaMediator = async (i: number): Promise<void> => {
      await entriesOf(await fetch(`${mediatorUrl}/fhir/${TYPE}?patient=${patientAt(i)}`));
    };
    const viaOurs = async (i: number): Promise<void> => {
      await entriesOf(
        await fetch(new URL(`/fhir/${TYPE}?patient=${patientAt(i)}`, url), {
          headers: { cookie, accept: 'application/fhir+json' },
        }),
      );
    };
    // Same answers (entry counts) for a patient, before anything is timed.
    const theirs = await entriesOf(
      await fetch(`${mediatorUrl}/fhir/${TYPE}?patient=${patientAt(0)}`),
    );
    const ours = await entriesOf(
      await fetch(new URL(`/fhir/${TYPE}?patient=${patientAt(0)}`, url), { headers: { cookie } }),
    );
    process.stderr.write(`  ${TYPE} entries for one patient: mediator ${theirs}, ours ${ours}\n`);

    const results: BenchResult[] = [];
    for (const workers of [1, 8]) {
      const baseline = await throughput(workers, viaMediator);
      const subject = await throughput(workers, viaOurs);
      const result = benchResult(
        `FHIR ${TYPE} search over 3 R4 sources, ${workers} client${workers === 1 ? '' : 's'}`,
        subject,
        baseline,
        'fhir-aggregator-mediator’s parallel fetch-merge, reimplemented (no auth)',
      );
      results.push(withTarget(result, 'ratio ≥ 1.00', result.ratio >= 1));
    }
    return results;
  } finally {
    await new Promise((resolve) => mediator.close(resolve));
    await app.close();
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
