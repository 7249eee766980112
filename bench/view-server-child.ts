/**
 * @module The server under a heap measure, in a process of its own (started by the heap and soak
 * benches with `--expose-gc`), so that neither the simulated sources nor the benchmark's client
 * count in its heap. Over IPC it answers: `ready` (its URL and a signed-in clinician's cookie),
 * `live` (heap used after a full GC), `peak-start` / `peak-stop` (the highest heap used, sampled
 * every 2 ms, between them), and `raw` (the bare fan-out for a patient, `count` at once, with the
 * bytes it received and the heap peak meanwhile).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import type { SourceConfig } from '../src/config/config-schema.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { fetchSource } from '../src/http/fetch-source.ts';
import type { SourceHttpRequest } from '../src/http/http-outcome.ts';
import { createDemographicsClient } from '../src/identity/demographics-client.ts';
import { createFhirR4Connector } from '../src/sources/fhir-r4/fhir-r4-connector.ts';
import { createGpConnectConnector } from '../src/sources/gp-connect/gp-connect-connector.ts';
import { benchClinician, BENCH_MONITORING } from './bench-clinician.ts';

/** What the parent sends (as JSON over IPC). */
export type ChildCommand =
  | { readonly cmd: 'live' }
  | { readonly cmd: 'peak-start' }
  | { readonly cmd: 'peak-stop' }
  | { readonly cmd: 'raw'; readonly nhsNumber: string; readonly count: number }
  | { readonly cmd: 'close' };

/**
 * The peak and start of the V8 heap with the memory of Buffers outside it (`heapUsed +
 * arrayBuffers`): what a view holds wherever it is, the body's Buffers and the sources' bytes too.
 */
export interface HeldPeak {
  readonly heldPeak: number;
  readonly heldBase: number;
}

/** What the child answers. */
export type ChildAnswer =
  | { readonly kind: 'ready'; readonly url: string; readonly cookie: string }
  | { readonly kind: 'live'; readonly heapUsed: number; readonly rss: number }
  | ({ readonly kind: 'peak'; readonly heapUsed: number; readonly base: number } & HeldPeak)
  | ({
      readonly kind: 'raw';
      readonly bytesPerView: number;
      readonly peak: number;
      readonly base: number;
    } & HeldPeak)
  | { readonly kind: 'closed' };

/** How the parent configures the child (JSON in `MCR_BENCH_CHILD`). */
export interface ChildSetup {
  readonly demographicsUrl: string;
  readonly sources: SourceConfig[];
  readonly patients: readonly string[];
}

const gc = (globalThis as { gc?: () => void }).gc;

function fullGc(): void {
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.env['MCR_BENCH_CHILD'] ?? '{}') as ChildSetup;
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-heap-'));
  const config = loadConfig({
    base: {
      monitoring: BENCH_MONITORING,
      demographics: { url: setup.demographicsUrl },
      sources: setup.sources,
      dataDir,
      server: { port: 0 },
      logging: { level: 'warn' },
      rateLimit: { api: { max: 1_000_000 } },
    },
    env: {},
  });
  const app = await buildApp(config);
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  const { user, cookie } = await benchClinician(app, url, 'bench-heap', setup.patients);

  // The bare fan-out, counting the bytes its calls receive.
  let received = 0;
  const counting = async (request: SourceHttpRequest) => {
    const outcome = await fetchSource(request);
    if (outcome.kind === 'response') received += outcome.bytes;
    return outcome;
  };
  const connectors = config.sources.map((source) =>
    source.kind === 'gp-connect'
      ? createGpConnectConnector({
          source,
          consumer: { asid: config.consumer.asid, url, organisationName: 'bench' },
          fetchSource: counting,
        })
      : createFhirR4Connector({ source, fetchSource: counting }),
  );
  const demographics = createDemographicsClient({
    url: setup.demographicsUrl,
    timeoutMs: config.demographics.timeoutMs,
    fetchSource: counting,
  });

  let peak = 0;
  let base = 0;
  let heldPeak = 0;
  let heldBase = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.heapUsed);
    heldPeak = Math.max(heldPeak, usage.heapUsed + usage.arrayBuffers);
  };
  const startPeak = (): void => {
    fullGc();
    const usage = process.memoryUsage();
    base = usage.heapUsed;
    peak = base;
    heldBase = usage.heapUsed + usage.arrayBuffers;
    heldPeak = heldBase;
    sampler = setInterval(sample, 2);
  };
  const stopPeak = (): number => {
    clearInterval(sampler);
    sample();
    return peak;
  };
  const send = (answer: ChildAnswer): void => {
    process.send?.(answer);
  };

  process.on('message', (message: ChildCommand) => {
    void (async () => {
      switch (message.cmd) {
        case 'live': {
          fullGc();
          const usage = process.memoryUsage();
          send({ kind: 'live', heapUsed: usage.heapUsed, rss: usage.rss });
          return;
        }
        case 'peak-start':
          startPeak();
          send({ kind: 'peak', heapUsed: base, base, heldPeak: heldBase, heldBase });
          return;
        case 'peak-stop':
          send({ kind: 'peak', heapUsed: stopPeak(), base, heldPeak, heldBase });
          return;
        case 'raw': {
          received = 0;
          startPeak();
          await Promise.all(
            Array.from({ length: message.count }, async (_, i) => {
              const found = await demographics.getPatient(message.nhsNumber);
              if (found.kind !== 'found') throw new Error(`raw trace: ${found.kind}`);
              const { patient } = found;
              const traced = {
                nhsNumber: patient.nhsNumber,
                family: patient.name?.family,
                given: patient.name?.given,
                birthDate: patient.birthDate,
                gender: patient.gender,
              };
              const results = await Promise.all(
                connectors.map((c) =>
                  c.fetchRecord({ patient: traced, user: { ...user }, requestId: `raw-${i}` }),
                ),
              );
              // Held until every view's calls are in, as a view holds its sources' answers.
              return results;
            }),
          );
          const rawPeak = stopPeak();
          send({
            kind: 'raw',
            bytesPerView: received / message.count,
            peak: rawPeak,
            base,
            heldPeak,
            heldBase,
          });
          return;
        }
        case 'close':
          await app.close();
          rmSync(dataDir, { recursive: true, force: true });
          send({ kind: 'closed' });
          process.disconnect();
          return;
      }
    })();
  });
  // The parent gone (the bench stopped), nothing is left running.
  process.once('disconnect', () => {
    process.exit(0);
  });
  send({ kind: 'ready', url, cookie });
}

await main();
