/**
 * @module Starts every simulated source of the region on loopback (PDS, one GP Connect provider per
 * practice, hospital, community, social care) and says how to reach them, as source configuration.
 */
import type { SourceConfig } from '../src/config/config-schema.ts';
import { createPopulation } from './population/create-population.ts';
import type { SimPopulation, SimR4Setting } from './population/population.ts';
import type { Fault } from './servers/faults.ts';
import {
  startGpConnectServer,
  type GpPracticeSettings,
  type RunningGpConnectServer,
} from './servers/gp-connect-server.ts';
import { startPdsServer } from './servers/pds-server.ts';
import { R4_RESOURCE_TYPES, startR4Server } from './servers/r4-server.ts';
import type { RequestStats } from './servers/request-stats.ts';
import type { RunningSimServer } from './servers/sim-server.ts';

/** The id of the demographics service in `urls`, `stats` and `faults`. */
export const DEMOGRAPHICS_ID = 'pds';

/** The non-GP sources, with the organisation each stands for. */
export const R4_SOURCES: readonly {
  readonly id: SimR4Setting;
  readonly name: string;
  readonly organisation: string;
}[] = [
  { id: 'hospital', name: 'Northgate Teaching Hospitals NHS Trust', organisation: 'RXX01' },
  { id: 'community', name: 'Dales Community Health NHS Trust', organisation: 'RYY02' },
  { id: 'social-care', name: 'Northgate City Council Social Care', organisation: 'SC003' },
];

export interface StartSimsOptions {
  readonly seed?: number | undefined;
  readonly size?: number | undefined;
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string | undefined;
  /** Fixed ports from here upwards (PDS, then practices, hospital, community, social care); any free port if absent. */
  readonly portBase?: number | undefined;
  /** Faults at start, keyed by source id (`pds`, `gp-a81001`, `hospital`, …). */
  readonly faults?: Readonly<Record<string, Fault>> | undefined;
  /** Practice settings at start, keyed by source id (`gp-a81001`). */
  readonly practiceSettings?: Readonly<Record<string, Partial<GpPracticeSettings>>> | undefined;
  /** Use this population instead of creating one from seed and size. */
  readonly population?: SimPopulation | undefined;
}

/** One simulated GP practice as a consumer must address it. */
export interface RunningPractice {
  readonly id: string;
  readonly ods: string;
  readonly name: string;
  readonly asid: string;
  /** The practice's FHIR base URL. */
  readonly url: string;
  readonly server: RunningGpConnectServer;
}

export interface RunningSims {
  readonly population: SimPopulation;
  /** The demographics (PDS-style) base URL. */
  readonly demographicsUrl: string;
  /** Base URL of every source, keyed by source id, with `pds` for demographics. */
  readonly urls: Readonly<Record<string, string>>;
  /** Request counters of every source, keyed like `urls`. */
  readonly stats: Readonly<Record<string, RequestStats>>;
  /** Each server (faults, connections), keyed like `urls`. */
  readonly servers: Readonly<Record<string, RunningSimServer>>;
  readonly practices: readonly RunningPractice[];
  /** The source configuration entries that point My Care Record at these simulators. */
  sourcesConfig(): SourceConfig[];
  close(): Promise<void>;
}

/** The source id of a practice (`gp-a81001`). */
export function practiceSourceId(ods: string): string {
  return `gp-${ods.toLowerCase()}`;
}

/** Starts all simulated sources; closes what was started if any fails to start. */
export async function startSims(options: StartSimsOptions = {}): Promise<RunningSims> {
  const population =
    options.population ?? createPopulation({ seed: options.seed, size: options.size });
  const host = options.host;
  let nextPort = options.portBase;
  const port = (): number | undefined => (nextPort === undefined ? undefined : nextPort++);
  const fault = (id: string): Fault | undefined => options.faults?.[id];
  const started: RunningSimServer[] = [];
  const keep = <T extends RunningSimServer>(server: T): T => {
    started.push(server);
    return server;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.close()));
  };

  try {
    const pds = keep(
      await startPdsServer({ population, host, port: port(), fault: fault(DEMOGRAPHICS_ID) }),
    );
    const practices: RunningPractice[] = [];
    for (const practice of population.practices) {
      const id = practiceSourceId(practice.ods);
      const server = keep(
        await startGpConnectServer({
          population,
          practice,
          host,
          port: port(),
          fault: fault(id),
          settings: options.practiceSettings?.[id],
        }),
      );
      practices.push({
        id,
        ods: practice.ods,
        name: practice.name,
        asid: practice.asid,
        url: server.fhirBaseUrl,
        server,
      });
    }
    const r4: Record<string, RunningSimServer> = {};
    for (const source of R4_SOURCES) {
      r4[source.id] = keep(
        await startR4Server({
          population,
          setting: source.id,
          host,
          port: port(),
          fault: fault(source.id),
        }),
      );
    }

    const urls: Record<string, string> = { [DEMOGRAPHICS_ID]: pds.url };
    const stats: Record<string, RequestStats> = { [DEMOGRAPHICS_ID]: pds.stats };
    const servers: Record<string, RunningSimServer> = { [DEMOGRAPHICS_ID]: pds };
    for (const practice of practices) {
      urls[practice.id] = practice.url;
      stats[practice.id] = practice.server.stats;
      servers[practice.id] = practice.server;
    }
    for (const [id, server] of Object.entries(r4)) {
      urls[id] = server.url;
      stats[id] = server.stats;
      servers[id] = server;
    }

    return {
      population,
      demographicsUrl: pds.url,
      urls,
      stats,
      servers,
      practices,
      sourcesConfig: () => [
        ...practices.map((practice): SourceConfig => ({
          id: practice.id,
          name: practice.name,
          organisation: practice.ods,
          kind: 'gp-connect',
          url: practice.url,
          timeoutMs: 3000,
          maxResponseBytes: 10 * 1024 * 1024,
          asid: practice.asid,
          setting: 'gp',
          pageSize: 100,
          maxPages: 20,
        })),
        ...R4_SOURCES.map((source): SourceConfig => ({
          id: source.id,
          name: source.name,
          organisation: source.organisation,
          kind: 'fhir-r4',
          url: urls[source.id] ?? '',
          timeoutMs: 3000,
          maxResponseBytes: 10 * 1024 * 1024,
          setting: source.id,
          resourceTypes: [...R4_RESOURCE_TYPES[source.id]],
          pageSize: 100,
          maxPages: 20,
        })),
      ],
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
