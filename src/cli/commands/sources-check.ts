/**
 * @module `mcr sources check [--config FILE]`: asks every configured source for its
 * CapabilityStatement (`GET {url}/metadata`) and reports reachability, FHIR version, software and
 * time taken. GP Connect providers get the Spine headers with the metadata interaction id.
 */
import { randomUUID } from 'node:crypto';
import type { Config, SourceConfig } from '../../config/config-schema.ts';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../../sources/gp-connect/gp-connect-connector.ts';
import { createGpcJwt } from '../../sources/gp-connect/jwt.ts';
import { fetchSource, readSourceTls } from '../../http/fetch-source.ts';
import type { SourceHttpOutcome, SourceHttpRequest } from '../../http/http-outcome.ts';
import { defineCommand } from '../command.ts';
import { configForCommand } from './command-options.ts';

/** GP Connect's interaction id for reading a provider's CapabilityStatement. */
export const GPC_METADATA_INTERACTION =
  'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1';

/** What one source said when asked for its CapabilityStatement. */
export interface SourceCheck {
  readonly id: string;
  readonly name: string;
  readonly kind: SourceConfig['kind'];
  /** `ok`: a CapabilityStatement came back; `unexpected`: an answer, but not one; `unreachable`: no answer. */
  readonly result: 'ok' | 'unexpected' | 'unreachable';
  readonly fhirVersion?: string | undefined;
  readonly software?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly elapsedMs: number;
  /** Plain words when the result is not `ok`. */
  readonly message?: string | undefined;
}

export interface CheckSourcesDeps {
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
  readonly now: () => Date;
  /** ODS code put in the GP Connect JWT as the requesting organisation. */
  readonly organisation: string;
}

/** Asks every source at once; never throws. */
export function checkSources(config: Config, deps: CheckSourcesDeps): Promise<SourceCheck[]> {
  return Promise.all(config.sources.map((source) => checkSource(source, config, deps)));
}

/** Asks one source for its CapabilityStatement; never throws. */
export async function checkSource(
  source: SourceConfig,
  config: Config,
  deps: CheckSourcesDeps,
): Promise<SourceCheck> {
  const base = { id: source.id, name: source.name, kind: source.kind };
  let tls;
  try {
    tls = readSourceTls(source.tls);
  } catch (error) {
    return { ...base, result: 'unreachable', elapsedMs: 0, message: (error as Error).message };
  }
  const url = `${source.url.replace(/\/+$/, '')}/metadata`;
  const outcome = await deps.fetchSource({
    method: 'GET',
    url,
    headers: headersFor(source, config, deps),
    timeoutMs: source.timeoutMs,
    maxResponseBytes: source.maxResponseBytes,
    acceptContentTypes: ['application/fhir+json', 'application/json'],
    tls,
  });
  if (outcome.kind !== 'response') {
    return {
      ...base,
      result: 'unreachable',
      elapsedMs: outcome.elapsedMs,
      httpStatus: outcome.status,
      message: outcome.message,
    };
  }
  const json = outcome.json as Partial<fhir4.CapabilityStatement> | null;
  if (outcome.status !== 200 || json?.resourceType !== 'CapabilityStatement') {
    return {
      ...base,
      result: 'unexpected',
      elapsedMs: outcome.elapsedMs,
      httpStatus: outcome.status,
      message: `The source answered (HTTP ${outcome.status}) but not with a CapabilityStatement.`,
    };
  }
  const software = [json.software?.name, json.software?.version]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(' ');
  return {
    ...base,
    result: 'ok',
    elapsedMs: outcome.elapsedMs,
    httpStatus: 200,
    fhirVersion: typeof json.fhirVersion === 'string' ? json.fhirVersion : undefined,
    software: software === '' ? undefined : software,
  };
}

function headersFor(
  source: SourceConfig,
  config: Config,
  deps: CheckSourcesDeps,
): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/fhir+json' };
  if (source.kind === 'gp-connect') {
    const consumerUrl =
      config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
    headers['Ssp-TraceID'] = randomUUID();
    headers['Ssp-From'] = config.consumer.asid;
    headers['Ssp-To'] = source.asid ?? '';
    headers['Ssp-InteractionID'] = GPC_METADATA_INTERACTION;
    headers['Authorization'] = `Bearer ${createGpcJwt({
      user: {
        id: 'mcr-sources-check',
        username: 'mcr-sources-check',
        displayName: 'My Care Record sources check',
        role: 'admin',
        organisation: deps.organisation,
      },
      consumerUrl,
      providerUrl: source.url,
      productName: PRODUCT_NAME,
      productVersion: PRODUCT_VERSION,
      organisationName: config.consumer.organisationName,
      now: deps.now,
    })}`;
  } else if (source.auth?.type === 'bearer') {
    headers['Authorization'] = `Bearer ${source.auth.token}`;
  }
  return headers;
}

/** One line per source, aligned, for people. */
export function formatChecks(checks: readonly SourceCheck[]): string[] {
  const idWidth = Math.max(2, ...checks.map((check) => check.id.length));
  return checks.map((check) => {
    const detail =
      check.result === 'ok'
        ? `FHIR ${check.fhirVersion ?? '?'}  ${check.software ?? '(software not named)'}`
        : (check.message ?? '');
    return `${check.id.padEnd(idWidth)}  ${check.result.padEnd(11)}  ${String(check.elapsedMs).padStart(5)} ms  ${detail}`;
  });
}

export const sourcesCheckCommand = defineCommand({
  path: ['sources', 'check'],
  summary:
    'Ask every configured source for its CapabilityStatement: reachable? which FHIR version?',
  usage: [
    'Usage: mcr sources check [--config FILE] [--organisation ODS] [--json]',
    '',
    'Exit code 0 when every source answered with a CapabilityStatement, 1 otherwise.',
    '--organisation is the ODS code named in GP Connect JWTs (default: UNK).',
  ].join('\n'),
  options: {
    config: { type: 'string' },
    organisation: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, io) {
    const config = configForCommand(values.config, io);
    if (config.sources.length === 0) {
      io.stderr('mcr sources check: no sources are configured.');
      return 1;
    }
    const checks = await checkSources(config, {
      fetchSource,
      now: () => new Date(),
      organisation: values.organisation ?? 'UNK',
    });
    if (values.json === true) io.stdout(JSON.stringify(checks, null, 2));
    else for (const line of formatChecks(checks)) io.stdout(line);
    return checks.every((check) => check.result === 'ok') ? 0 : 1;
  },
});
