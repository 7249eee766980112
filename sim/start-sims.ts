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
import { startNrlServer } from './servers/nrl-server.ts';
import { startPixmServer } from './servers/pixm-server.ts';
import { R4_RESOURCE_TYPES, startR4Server, type R4SourceDomain } from './servers/r4-server.ts';
import { startSdsServer } from './servers/sds-server.ts';
import type { RequestStats } from './servers/request-stats.ts';
import type { RunningSimServer } from './servers/sim-server.ts';
import type { RunningEhrServer } from './servers/ehr-server.ts';

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

/** The region's R4 sources (`region: true`): 3 trusts, 2 community providers, 2 councils. */
export const REGION_R4_SOURCES: readonly {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly setting: SimR4Setting;
}[] = [
  {
    id: 'hospital',
    name: 'Northgate Teaching Hospitals NHS Trust',
    organisation: 'RXX01',
    setting: 'hospital',
  },
  {
    id: 'dales-hospitals',
    name: 'Dales and Moors Hospitals NHS Foundation Trust',
    organisation: 'RXX02',
    setting: 'hospital',
  },
  {
    id: 'airedale-hospitals',
    name: 'Airedale Valley Hospitals NHS Trust',
    organisation: 'RXX03',
    setting: 'hospital',
  },
  {
    id: 'community',
    name: 'Dales Community Health NHS Trust',
    organisation: 'RYY02',
    setting: 'community',
  },
  {
    id: 'wharfe-community',
    name: 'Wharfe Community Care CIC',
    organisation: 'RYY03',
    setting: 'community',
  },
  {
    id: 'social-care',
    name: 'Northgate City Council Social Care',
    organisation: 'SC003',
    setting: 'social-care',
  },
  {
    id: 'dales-council',
    name: 'Dales County Council Adult Social Care',
    organisation: 'SC004',
    setting: 'social-care',
  },
];

/** The id of the one GP Connect process serving every practice of the region, in `urls` and `stats`. */
export const GP_CONNECT_REGION_ID = 'gp-connect';
/** The ids of the SDS and patient index sims in `urls`, `stats` and `faults`. */
export const SDS_ID = 'sds';
export const PATIENT_INDEX_ID = 'patient-index';
/** The id of the NRL sim (also the NRL's source id in a record). */
export const NRL_ID = 'nrl';

/** The interaction the region's practices are registered for in SDS. */
const STRUCTURED_INTERACTION =
  'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';

/**
 * A region source's identifier domain: `urn:oid:…99.{n}`, local ids `{ORG}-{NHS number}`. The
 * first source of each setting holds everyone that setting's data covers; the others about a third.
 */
function regionDomain(
  population: SimPopulation,
  source: (typeof REGION_R4_SOURCES)[number],
  n: number,
): R4SourceDomain {
  const primary = REGION_R4_SOURCES.find((s) => s.setting === source.setting) === source;
  return {
    system: `urn:oid:2.16.840.1.113883.2.1.3.2.4.18.99.${String(n + 1)}`,
    localId: (nhsNumber) => `${source.organisation}-${nhsNumber}`,
    nhsNumberOf: (localId) =>
      localId.startsWith(`${source.organisation}-`)
        ? localId.slice(source.organisation.length + 1)
        : undefined,
    knows: (nhsNumber) =>
      population.has(nhsNumber) &&
      (primary || Number(BigInt(nhsNumber) % 3n) === n % 3) &&
      population.r4Record(source.setting, nhsNumber) !== undefined,
  };
}

export interface StartSimsOptions {
  /**
   * The whole region: the population spread over 300 practices served by one GP Connect process,
   * an SDS, a PIXm patient index and 7 R4 sources. `sourcesConfig()` then lists no practice, and
   * `discoveryConfig()` says where SDS and the index are.
   */
  readonly region?: boolean | undefined;
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
  /** Also start the simulated EHR that launches the viewer (sim/servers/ehr-server.ts). */
  readonly ehr?: boolean | undefined;
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
  /** The simulated EHR, when `ehr` was asked for: connect the viewer to it once it listens. */
  readonly ehr?: RunningEhrServer | undefined;
  /** The source configuration entries that point My Care Record at these simulators. */
  sourcesConfig(): SourceConfig[];
  /** Region only: `gpConnect` and `recordLocator` configuration pointing at the SDS and index sims. */
  discoveryConfig(): {
    gpConnect?: { sds: { url: string } };
    recordLocator?: { patientIndex: { url: string }; nrl: { url: string } };
  };
  close(): Promise<void>;
}

/** The source id of a practice (`gp-a81001`). */
export function practiceSourceId(ods: string): string {
  return `gp-${ods.toLowerCase()}`;
}

/** Starts all simulated sources; closes what was started if any fails to start. */
export async function startSims(options: StartSimsOptions = {}): Promise<RunningSims> {
  const population =
    options.population ??
    createPopulation({ seed: options.seed, size: options.size, region: options.region === true });
  if (options.region === true) return startRegion(options, population);
  const host = options.host;
  let nextPort = options.portBase;
  const port = (): number | undefined => (nextPort === undefined ? undefined : nextPort++);
  const fault = (id: string): Fault | undefined => options.faults?.[id];
  const started: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(server: T): T => {
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

    const ehr = options.ehr === true ? keep(await startEhr(population, host, port())) : undefined;

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
      ehr,
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
      discoveryConfig: () => ({}),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The simulated EHR, loaded only when asked for: oidc-provider is heavy, and most tests need no EHR. */
async function startEhr(
  population: SimPopulation,
  host: string | undefined,
  port: number | undefined,
): Promise<RunningEhrServer> {
  const { startEhrServer } = await import('./servers/ehr-server.ts');
  return startEhrServer({ population, host, port });
}

/** The region: PDS, one GP Connect process for every practice, SDS, the patient index, 7 R4 sources. */
async function startRegion(
  options: StartSimsOptions,
  population: SimPopulation,
): Promise<RunningSims> {
  const host = options.host;
  let nextPort = options.portBase;
  const port = (): number | undefined => (nextPort === undefined ? undefined : nextPort++);
  const fault = (id: string): Fault | undefined => options.faults?.[id];
  const started: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(server: T): T => {
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
    const [first] = population.practices;
    if (first === undefined) throw new Error('The region has no practices.');
    const gp = keep(
      await startGpConnectServer({
        population,
        practice: first,
        practices: population.practices,
        host,
        port: port(),
        fault: fault(GP_CONNECT_REGION_ID),
        settings: options.practiceSettings?.[GP_CONNECT_REGION_ID],
      }),
    );
    const practices = population.practices.map((practice): RunningPractice => ({
      id: practiceSourceId(practice.ods),
      ods: practice.ods,
      name: practice.name,
      asid: practice.asid,
      url: gp.fhirBaseUrlOf(practice.ods),
      server: gp,
    }));
    const sds = keep(
      await startSdsServer({
        practices: practices.map((p) => ({
          ods: p.ods,
          name: p.name,
          asid: p.asid,
          address: p.url,
        })),
        interactions: [STRUCTURED_INTERACTION],
        host,
        port: port(),
        fault: fault(SDS_ID),
      }),
    );
    const domains = REGION_R4_SOURCES.map((source, n) => regionDomain(population, source, n));
    const index = keep(
      await startPixmServer({
        knows: (nhsNumber) => population.has(nhsNumber),
        domains,
        host,
        port: port(),
        fault: fault(PATIENT_INDEX_ID),
      }),
    );
    const nrl = keep(await startNrlServer({ host, port: port(), fault: fault(NRL_ID) }));
    const r4: Record<string, RunningSimServer> = {};
    for (const [n, source] of REGION_R4_SOURCES.entries()) {
      r4[source.id] = keep(
        await startR4Server({
          population,
          setting: source.setting,
          domain: domains[n],
          host,
          port: port(),
          fault: fault(source.id),
        }),
      );
    }
    const servers: Record<string, RunningSimServer> = {
      [DEMOGRAPHICS_ID]: pds,
      [GP_CONNECT_REGION_ID]: gp,
      [SDS_ID]: sds,
      [PATIENT_INDEX_ID]: index,
      [NRL_ID]: nrl,
      ...r4,
    };
    const ehr = options.ehr === true ? keep(await startEhr(population, host, port())) : undefined;
    const urls = Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, s.url]));
    const stats = Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, s.stats]));
    return {
      population,
      demographicsUrl: pds.url,
      urls,
      stats,
      servers,
      practices,
      ehr,
      sourcesConfig: () =>
        REGION_R4_SOURCES.map((source, n): SourceConfig => ({
          id: source.id,
          name: source.name,
          organisation: source.organisation,
          kind: 'fhir-r4',
          url: urls[source.id] ?? '',
          timeoutMs: 3000,
          maxResponseBytes: 10 * 1024 * 1024,
          setting: source.setting,
          resourceTypes: [...R4_RESOURCE_TYPES[source.setting]],
          pageSize: 100,
          maxPages: 20,
          patientIdentifierSystem: domains[n]?.system,
        })),
      discoveryConfig: () => ({
        gpConnect: { sds: { url: sds.url } },
        recordLocator: { patientIndex: { url: index.url }, nrl: { url: nrl.url } },
      }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
