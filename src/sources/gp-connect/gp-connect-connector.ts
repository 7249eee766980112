/**
 * @module The GP Connect Access Record: Structured connector: one `$gpc.getstructuredrecord` call per
 * record view, with the Spine headers and a fresh audit JWT, answered as a value (never thrown), no retries.
 */
import { randomUUID } from 'node:crypto';
import type { SourceConfig } from '../../config/config-schema.ts';
import { readStructuredRecord } from './read-structured-record.ts';
import { readSourceTls } from '../../http/fetch-source.ts';
import type {
  SourceHttpFailureKind,
  SourceHttpOutcome,
  SourceHttpRequest,
  SourceTlsMaterial,
} from '../../http/http-outcome.ts';
import type { Connector, SourceRequest, SourceResult, SourceStatus } from '../source-result.ts';
import { readGpcError } from './gpc-errors.ts';
import { createGpcJwt } from './jwt.ts';
import { buildStructuredRecordRequest } from './structured-request.ts';
import { neverThrowing } from '../never-throws.ts';

export const STRUCTURED_RECORD_INTERACTION =
  'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';
export const FHIR_JSON = 'application/fhir+json;charset=utf-8';
export const PRODUCT_NAME = 'My Care Record';
export const PRODUCT_VERSION = '0.1.0';

export interface GpConnectConnectorDeps {
  readonly source: SourceConfig;
  /** Us, the consumer: our ASID (Ssp-From), our URL (JWT issuer) and our name. */
  readonly consumer: {
    readonly asid: string;
    readonly url: string;
    readonly organisationName: string;
  };
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
  /**
   * The Spine Secure Proxy prefix (`gpConnect.sspUrl`): calls go to `{sspUrl}/{provider address}`,
   * while the JWT `aud` stays the provider address. A source `url` that already starts with the
   * prefix is not prefixed twice.
   */
  readonly sspUrl?: string | undefined;
  /** `Ssp-InteractionID` (`gpConnect.interaction`); the structured record interaction by default. */
  readonly interaction?: string | undefined;
  /** The name of the user's organisation, by ODS code, for `requesting_organization.name`. */
  readonly organisationName?: ((odsCode: string) => string | undefined) | undefined;
  readonly now?: () => Date;
  readonly newTraceId?: () => string;
}

/**
 * Builds the connector for one GP practice. Reads the TLS files once, here: a missing or unreadable
 * file is a configuration error raised at start-up, naming the source.
 */
export function createGpConnectConnector(deps: GpConnectConnectorDeps): Connector {
  const { source } = deps;
  let tls: SourceTlsMaterial | undefined;
  try {
    tls = readSourceTls(source.tls);
  } catch (error) {
    throw new Error(`Source ${source.id}: ${(error as Error).message}`, { cause: error });
  }
  const now = deps.now ?? (() => new Date());
  const newTraceId = deps.newTraceId ?? randomUUID;
  const ssp = deps.sspUrl?.replace(/\/+$/, '');
  const providerAddress = withoutSspPrefix(source.url.replace(/\/+$/, ''), ssp);
  const baseUrl = ssp === undefined ? providerAddress : `${ssp}/${providerAddress}`;
  const interaction = deps.interaction ?? STRUCTURED_RECORD_INTERACTION;

  async function fetchRecord(request: SourceRequest): Promise<SourceResult> {
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    const asid = source.asid?.trim();
    if (asid === undefined || asid === '') {
      return notAnswered(
        {
          status: 'error',
          errorCode: 'CONFIGURATION',
          message:
            'This GP practice is not fully configured: its ASID (needed for the Ssp-To header) is missing. ' +
            'An administrator must add it; the practice was not asked.',
        },
        elapsed,
      );
    }
    const headers: Record<string, string> = {
      'Ssp-TraceID': newTraceId(),
      'Ssp-From': deps.consumer.asid,
      'Ssp-To': asid,
      'Ssp-InteractionID': interaction,
      Accept: FHIR_JSON,
      'Content-Type': FHIR_JSON,
      Authorization: `Bearer ${createGpcJwt({
        user: request.user,
        consumerUrl: deps.consumer.url,
        providerUrl: providerAddress,
        organisationName: deps.organisationName?.(request.user.organisation),
        productName: PRODUCT_NAME,
        productVersion: PRODUCT_VERSION,
        now,
      })}`,
    };
    const outcome = await deps.fetchSource({
      method: 'POST',
      url: `${baseUrl}/Patient/$gpc.getstructuredrecord`,
      headers,
      body: JSON.stringify(buildStructuredRecordRequest(request.patient.nhsNumber)),
      timeoutMs: source.timeoutMs,
      maxResponseBytes: source.maxResponseBytes,
      acceptContentTypes: ['application/fhir+json', 'application/json'],
      signal: request.signal,
      tls,
    });
    return readOutcome(outcome, request.patient.nhsNumber, elapsed);
  }

  function readOutcome(
    outcome: SourceHttpOutcome,
    tracedNhsNumber: string,
    elapsed: () => number,
  ): SourceResult {
    if (outcome.kind !== 'response') {
      return notAnswered(
        {
          status: TRANSPORT_STATUS[outcome.kind],
          message: outcome.message,
          ...(outcome.status === undefined ? {} : { httpStatus: outcome.status }),
        },
        elapsed,
      );
    }
    const json = outcome.json;
    if (outcome.status === 200 && isBundle(json)) {
      const read = readStructuredRecord(json, tracedNhsNumber);
      if (!read.ok) {
        return notAnswered(
          { status: 'malformed', message: read.message, httpStatus: 200 },
          elapsed,
        );
      }
      return {
        sourceId: source.id,
        status: 'answered',
        httpStatus: 200,
        elapsedMs: elapsed(),
        warnings: read.record.warnings,
        payload: { format: 'gp-connect-stu3', record: read.record },
      };
    }
    if (outcome.status >= 200 && outcome.status < 300) {
      const error = isOperationOutcome(json) ? readGpcError(outcome.status, json) : undefined;
      if (
        error !== undefined &&
        error.errorCode !== undefined &&
        !error.errorCode.startsWith('HTTP_')
      ) {
        return notAnswered({ ...error, httpStatus: outcome.status }, elapsed);
      }
      return notAnswered(
        {
          status: 'malformed',
          message: 'The GP practice answered with something that is not a structured record.',
          httpStatus: outcome.status,
        },
        elapsed,
      );
    }
    return notAnswered(
      { ...readGpcError(outcome.status, json), httpStatus: outcome.status },
      elapsed,
    );
  }

  /** A call that ended without the record: what went wrong, and no warnings. */
  function notAnswered(failure: SourceFailure, elapsed: () => number): SourceResult {
    return { sourceId: source.id, ...failure, elapsedMs: elapsed(), warnings: [] };
  }

  return neverThrowing({ source, fetchRecord });
}

/** What a result that carries no record says about why. */
type SourceFailure = Pick<SourceResult, 'status' | 'errorCode' | 'message' | 'httpStatus'>;

const TRANSPORT_STATUS: Readonly<Record<SourceHttpFailureKind, SourceStatus>> = {
  'timed-out': 'timed-out',
  'too-large': 'too-large',
  malformed: 'malformed',
  'wrong-content-type': 'wrong-content-type',
  refused: 'refused',
  // The view was abandoned: nothing went wrong at the practice, but nothing was had either.
  aborted: 'error',
  'network-error': 'unavailable',
};

/** The provider address of a `url` written with the proxy in front (`https://ssp/https://practice/…`). */
function withoutSspPrefix(url: string, ssp: string | undefined): string {
  if (ssp === undefined) return url;
  return url.startsWith(`${ssp}/`) ? url.slice(ssp.length + 1) : url;
}

function isBundle(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { resourceType?: unknown }).resourceType === 'Bundle'
  );
}

function isOperationOutcome(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { resourceType?: unknown }).resourceType === 'OperationOutcome'
  );
}
