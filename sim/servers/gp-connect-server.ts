/**
 * @module A GP Connect Access Record: Structured provider (FHIR STU3) for one practice: checks
 * headers, JWT and parameters, answers `$gpc.getstructuredrecord` from the population, and keeps
 * the last requests' headers and JWT claims so tests can check what a consumer sent.
 */
import type { GpcArea, SimPopulation, SimPractice } from '../population/population.ts';
import {
  GPC_AREAS,
  STRUCTURED_INTERACTION_ID,
  checkHeaders,
  checkParameters,
  decodeJwt,
  headerValue,
} from './gp-connect-request.ts';
import {
  GPC_OPERATION_OUTCOME_PROFILE,
  gpcError,
  gpcWarningIssue,
  type GpcErrorCode,
  GPC_ERRORS,
} from './operation-outcome.ts';
import type { Fault, PreparedResponse } from './faults.ts';
import type { RequestStats } from './request-stats.ts';
import {
  createRequestStats,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';

/** What a practice has switched on. */
export interface GpPracticeSettings {
  /** False: every structured request gets 403 `ACCESS DENIED`. */
  structuredAccess: boolean;
  /** Areas switched off: answered 200 with a "<param> has been disabled" warning. */
  disabledAreas: GpcArea[];
}

/** One request as received, for tests that check every claim a consumer sent. */
export interface RecordedGpcRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly jwtHeader: Readonly<Record<string, unknown>> | undefined;
  readonly claims: Readonly<Record<string, unknown>> | undefined;
}

export interface GpConnectStats extends RequestStats {
  /** The last requests (newest last), at most `recentLimit`. */
  readonly recent: RecordedGpcRequest[];
}

export interface GpConnectServerOptions {
  readonly population: SimPopulation;
  /** The practice this server is; or, with `practices`, the first of them. */
  readonly practice: SimPractice;
  /** Serve many practices from one process, each at its own path and ASID (the region). */
  readonly practices?: readonly SimPractice[] | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
  readonly settings?: Partial<GpPracticeSettings> | undefined;
  /** How many requests `stats.recent` keeps (20 by default). */
  readonly recentLimit?: number | undefined;
  /** The clock for JWT expiry and "no later than today" dates. */
  readonly now?: (() => Date) | undefined;
}

export interface RunningGpConnectServer extends RunningSimServer<GpConnectStats> {
  readonly ods: string;
  readonly asid: string;
  /** The practice's FHIR base URL: `{url}/{ODS}/STU3/1/gpconnect/structured/fhir`. */
  readonly fhirBaseUrl: string;
  /** The FHIR base URL of any practice this server serves. */
  fhirBaseUrlOf(ods: string): string;
  /** Live settings (for every practice served): change them and the next request sees the change. */
  readonly settings: GpPracticeSettings;
}

/** The path of a practice's FHIR base on its server. */
export function gpConnectBasePath(ods: string): string {
  return `/${ods}/STU3/1/gpconnect/structured/fhir`;
}

/** Starts one practice's GP Connect provider. */
export async function startGpConnectServer(
  options: GpConnectServerOptions,
): Promise<RunningGpConnectServer> {
  const { population } = options;
  const served = new Map((options.practices ?? [options.practice]).map((p) => [p.ods, p] as const));
  const now = options.now ?? (() => new Date());
  const recentLimit = options.recentLimit ?? 20;
  /** The practice a path is under, with its base path. */
  const practiceAt = (path: string) => {
    const ods = /^\/([A-Z0-9]{3,10})\//.exec(path)?.[1];
    const practice = ods === undefined ? undefined : served.get(ods);
    if (practice === undefined) return undefined;
    const basePath = gpConnectBasePath(practice.ods);
    return path.startsWith(`${basePath}/`) ? { practice, basePath } : undefined;
  };
  const isOperation = (path: string): boolean => {
    const at = practiceAt(path);
    return at !== undefined && path === `${at.basePath}/Patient/$gpc.getstructuredrecord`;
  };
  const initial = (): GpPracticeSettings => ({
    structuredAccess: options.settings?.structuredAccess ?? true,
    disabledAreas: [...(options.settings?.disabledAreas ?? [])],
  });
  const settings = initial();
  const stats: GpConnectStats = { ...createRequestStats(), recent: [] };

  const error = (code: GpcErrorCode, diagnostics?: string): PreparedResponse => ({
    status: GPC_ERRORS[code].status,
    headers: gpcHeaders(),
    body: JSON.stringify(gpcError(code, diagnostics)),
  });

  function record(request: SimRequest): void {
    const jwt = decodeJwt(request.headers);
    const headers: Record<string, string> = {};
    for (const name of Object.keys(request.headers))
      headers[name] = headerValue(request.headers, name) ?? '';
    stats.recent.push({
      method: request.method,
      path: request.path,
      headers,
      jwtHeader: jwt.header,
      claims: jwt.claims,
    });
    if (stats.recent.length > recentLimit)
      stats.recent.splice(0, stats.recent.length - recentLimit);
  }

  function handle(request: SimRequest): PreparedResponse {
    const at = practiceAt(request.path);
    if (at === undefined)
      return error('NOT_IMPLEMENTED', `Unsupported interaction ${request.path}`);
    const { practice, basePath } = at;
    const operationPath = `${basePath}/Patient/$gpc.getstructuredrecord`;
    const fhirBase = `${request.baseUrl}${basePath}`;
    if (request.path === `${basePath}/metadata`) {
      return { status: 200, headers: gpcHeaders(), body: JSON.stringify(capabilityStatement()) };
    }
    if (request.path !== operationPath)
      return error('NOT_IMPLEMENTED', `Unsupported interaction ${request.path}`);
    if (request.method !== 'POST')
      return error('NOT_IMPLEMENTED', '$gpc.getstructuredrecord is invoked with POST');
    record(request);
    const time = now();
    const headerCheck = checkHeaders(request.headers, {
      asid: practice.asid,
      audience: fhirBase,
      interactionId: STRUCTURED_INTERACTION_ID,
      nowSeconds: Math.floor(time.getTime() / 1000),
      hasBody: true,
    });
    if (!headerCheck.ok) return error(headerCheck.code, headerCheck.diagnostics);
    if (!settings.structuredAccess) {
      return error(
        'ACCESS DENIED',
        'The Access Record Structured capability is disabled at this practice.',
      );
    }
    const ask = checkParameters(request.body, time.toISOString().slice(0, 10));
    if (!ask.ok) return error(ask.code, ask.diagnostics);

    const disabled = GPC_AREAS.filter(
      (area) => ask.areas.has(area) && settings.disabledAreas.includes(area),
    );
    const areas = new Set([...ask.areas].filter((area) => !disabled.includes(area)));
    const traceId = headerValue(request.headers, 'ssp-traceid') ?? '';
    const outcome = population.gpConnectRecord({
      ods: practice.ods,
      nhsNumber: ask.nhsNumber,
      areas,
      includeResolvedAllergies: ask.includeResolvedAllergies,
      includePrescriptionIssues: ask.includePrescriptionIssues,
      traceId,
    });
    if (outcome.outcome === 'error') return error(outcome.spineCode);

    const warnings = [
      ...disabled.map((area) => gpcWarningIssue(area, 'disabled')),
      ...ask.unrecognised.map((name) => gpcWarningIssue(name, 'unrecognised')),
    ];
    const warning: fhir3.OperationOutcome = {
      resourceType: 'OperationOutcome',
      id: `warnings-${traceId}`,
      meta: { profile: [GPC_OPERATION_OUTCOME_PROFILE] },
      issue: warnings,
    };
    const bundle: fhir3.Bundle =
      warnings.length === 0
        ? outcome.bundle
        : { ...outcome.bundle, entry: [...(outcome.bundle.entry ?? []), { resource: warning }] };
    return { status: 200, headers: gpcHeaders(), body: JSON.stringify(bundle) };
  }

  const server = await startSimServer(
    {
      stats,
      handle,
      extraHeaders: { 'cache-control': 'no-store' },
      postAllowed: isOperation,
      errorBody: (status, message) => {
        const code: GpcErrorCode =
          status === 405
            ? 'NOT_IMPLEMENTED'
            : status === 413
              ? 'INVALID_RESOURCE'
              : 'INTERNAL_SERVER_ERROR';
        return JSON.stringify(gpcError(code, message));
      },
      control: {
        settings: (method, body) => {
          if (method === 'PUT') {
            const update = parseSettings(body);
            if (update === undefined)
              return controlJson(400, {
                error: 'Settings are { structuredAccess?, disabledAreas? }',
              });
            Object.assign(settings, update);
          }
          return controlJson(200, settings);
        },
      },
      onReset: () => {
        Object.assign(settings, initial());
        stats.recent.length = 0;
      },
    },
    options,
  );
  return {
    ...server,
    ods: options.practice.ods,
    asid: options.practice.asid,
    fhirBaseUrl: `${server.url}${gpConnectBasePath(options.practice.ods)}`,
    fhirBaseUrlOf: (ods) => `${server.url}${gpConnectBasePath(ods)}`,
    settings,
  };
}

function gpcHeaders(): Record<string, string> {
  return { 'content-type': 'application/fhir+json;charset=utf-8', 'cache-control': 'no-store' };
}

function controlJson(status: number, value: unknown): PreparedResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function parseSettings(body: unknown): Partial<GpPracticeSettings> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = body as Record<string, unknown>;
  const update: Partial<GpPracticeSettings> = {};
  if (value['structuredAccess'] !== undefined) {
    if (typeof value['structuredAccess'] !== 'boolean') return undefined;
    update.structuredAccess = value['structuredAccess'];
  }
  if (value['disabledAreas'] !== undefined) {
    const areas = value['disabledAreas'];
    if (
      !Array.isArray(areas) ||
      !areas.every((a): a is GpcArea => GPC_AREAS.includes(a as GpcArea))
    )
      return undefined;
    update.disabledAreas = areas;
  }
  return update;
}

const PROFILES: readonly [string, string][] = [
  ['CareConnect-GPC-Patient-1', '1.8'],
  ['CareConnect-GPC-Organization-1', '1.4'],
  ['CareConnect-GPC-Practitioner-1', '1.2'],
  ['CareConnect-GPC-PractitionerRole-1', '1.2'],
  ['CareConnect-GPC-AllergyIntolerance-1', '1.7'],
  ['CareConnect-GPC-Medication-1', '1.2'],
  ['CareConnect-GPC-MedicationStatement-1', '1.7'],
  ['CareConnect-GPC-MedicationRequest-1', '1.6'],
  ['CareConnect-GPC-List-1', '1.7'],
  ['GPConnect-StructuredRecord-Bundle-1', '1.3'],
  ['GPConnect-OperationOutcome-1', '1.2'],
  ['CareConnect-GPC-Immunization-1', '1.5'],
  ['CareConnect-GPC-ProblemHeader-Condition-1', '1.6'],
  ['CareConnect-GPC-Encounter-1', '1.5'],
  ['CareConnect-GPC-Observation-1', '1.6'],
];

function capabilityStatement(): fhir3.CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    version: '1.6.0',
    name: 'GP Connect API - Access Record Structured',
    status: 'active',
    date: '2024-01-01',
    publisher: 'My Care Record simulator',
    description: 'A simulated GP Connect Access Record: Structured provider',
    kind: 'capability',
    software: { name: 'My Care Record GP Connect simulator', version: '1.6.0' },
    fhirVersion: '3.0.1',
    acceptUnknown: 'both',
    format: ['application/fhir+json'],
    profile: PROFILES.map(([name, version]) => ({
      reference: `https://fhir.nhs.uk/STU3/StructureDefinition/${name}/_history/${version}`,
    })),
    rest: [
      {
        mode: 'server',
        security: { cors: true },
        operation: [
          {
            name: 'gpc.getstructuredrecord',
            definition: {
              reference:
                'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16',
            },
          },
        ],
      },
    ],
  };
}
