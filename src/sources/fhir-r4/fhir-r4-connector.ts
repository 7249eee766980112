/**
 * @module The FHIR R4 REST connector: finds the patient by NHS number, then searches each resource
 * type by patient, paging, under one deadline and one byte cap. A source whose CapabilityStatement
 * (src/sources/fhir-r4/chained-search.ts) offers a `batch` is asked the Patient search and every
 * type's search in one POST of a batch of GET searches (batch-search.ts: a read, nothing at the
 * source changes), then each entry's further pages by GET; one that offers chained search is
 * searched by `patient.identifier` with its Patient included, every type at once, with no lookup
 * first.
 */
import { performance } from 'node:perf_hooks';
import type { SourceConfig } from '../../config/config-schema.ts';
import { NHS_NUMBER_SYSTEM } from '../../identity/nhs-number.ts';
import {
  createByteBudget,
  readSourceTls,
  type fetchSource as FetchSource,
} from '../../http/fetch-source.ts';
import { startDeadline } from '../../http/deadline.ts';
import type {
  ByteBudget,
  SourceHttpOutcome,
  SourceHttpResponse,
  SourceTlsMaterial,
} from '../../http/http-outcome.ts';
import type { Connector, SourceRequest, SourceResult, SourceWarning } from '../source-result.ts';
import {
  createSourceAuthorization,
  type SourceAuthorization,
} from '../auth/source-authorization.ts';
import { otherPatientKind } from '../patient-ownership.ts';
import { statusForFailure, statusForHttp, type StatusWithMessage } from './outcome-status.ts';
import { resourceTypesFor } from './resource-types.ts';
import { issueCode, outcomeCode, readSearchPage, isResourceOfType } from './search-bundle.ts';
import { neverThrowing } from '../never-throws.ts';
import { createChainedSearchCapability } from './chained-search.ts';
import { batchOfSearches, readBatchResponse, type BatchEntryAnswer } from './batch-search.ts';

/** What the connector is built from. */
export interface FhirR4ConnectorDeps {
  readonly source: SourceConfig;
  readonly fetchSource: typeof FetchSource;
  /** Reserved for time-based search parameters; the connector measures its own elapsed time. */
  readonly now?: () => Date;
  /**
   * Reads the source's CapabilityStatement in the background (at its first view, then hourly) and,
   * where it offers a batch of searches (unless the source's `batch` is false), asks the whole view
   * in one batch; else, where it offers chained search, searches by `patient.identifier` with no
   * Patient lookup first. The server's connectors do; absent, the connector always looks the
   * Patient up first.
   */
  readonly chainedSearch?: boolean | undefined;
}

const ACCEPT = ['application/fhir+json', 'application/json'] as const;
/** A retry is worth starting only if this much of the deadline remains. */
const MIN_RETRY_MS = 50;
/** HTTP statuses that, with an OperationOutcome, mean "this server does not offer that search". */
const UNSUPPORTED_STATUSES = new Set([400, 404, 405, 501]);
/** Added to the result when a batch was refused and the searches were asked one by one. */
const BATCH_REFUSED_WARNING: SourceWarning = {
  code: 'batch-refused',
  message:
    'This source did not answer its searches asked together in one request, so they were asked one by one.',
};

/** The outcome of searching one resource type, across its pages. */
interface TypeSearch {
  readonly type: string;
  readonly resources: fhir4.FhirResource[];
  readonly warnings: SourceWarning[];
  /** `fullUrl`s under which the matched Patient appeared in this search's pages. */
  readonly patientAliases: string[];
  /** Chained search: the Patients the pages included (`_include={type}:patient`), with their fullUrls. */
  readonly included: { readonly patient: fhir4.Patient; readonly fullUrl: string | undefined }[];
  pagesRead: number;
  unsupported: boolean;
  failure?: StatusWithMessage;
}

/**
 * Builds the connector for one FHIR R4 source. Reads the source's TLS files now (throwing, with
 * the file named, when one is unreadable) so that a misconfiguration is found at start-up.
 *
 * When the deadline passes, or the byte cap is reached, part-way through, the searches that
 * finished are returned (status `answered`) with a warning naming each area that is missing or
 * incomplete: partial data, clearly flagged, is more use to a clinician than none. Only when no
 * search produced anything does the source's status become the failure itself.
 */
export function createFhirR4Connector(deps: FhirR4ConnectorDeps): Connector {
  const { source } = deps;
  const base = source.url.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const resourceTypes = resourceTypesFor(source);
  let tls: SourceTlsMaterial | undefined;
  let authorization: SourceAuthorization;
  try {
    tls = readSourceTls(source.tls);
    authorization = createSourceAuthorization({
      source,
      fetchSource: deps.fetchSource,
      tls,
      now: deps.now,
    });
  } catch (error) {
    throw new Error(`Source ${source.id}: ${(error as Error).message}`, { cause: error });
  }
  const headers: Record<string, string> = { accept: ACCEPT.join(', ') };
  const capability = createChainedSearchCapability({
    enabled: deps.chainedSearch === true,
    batchEnabled: source.batch !== false,
    base,
    resourceTypes,
    fetchSource: deps.fetchSource,
    timeoutMs: source.timeoutMs,
    maxResponseBytes: source.maxResponseBytes,
    tls,
    headers,
  });

  async function fetchRecord(request: SourceRequest): Promise<SourceResult> {
    const started = performance.now();
    const deadlineAt = started + source.timeoutMs;
    const budget = createByteBudget(source.maxResponseBytes);
    const elapsedMs = (): number => Math.round(performance.now() - started);
    // A token may have to be fetched first: under the source's deadline, let go of once it is had.
    const authDeadline = authorization.mayWait
      ? startDeadline(source.timeoutMs, request.signal)
      : undefined;
    const auth = await authorization
      .authorization(authDeadline?.signal)
      .finally(() => authDeadline?.dispose());
    if (!auth.ok) {
      return {
        sourceId: source.id,
        status: auth.status,
        elapsedMs: elapsedMs(),
        message: auth.message,
        warnings: [],
        ...(auth.httpStatus === undefined ? {} : { httpStatus: auth.httpStatus }),
      };
    }
    const authHeader = auth.header;
    const call = { deadlineAt, budget, request, authHeader };
    const get = (url: string): Promise<SourceHttpOutcome> => callWithOneRetry(url, call);

    const failed = (outcome: StatusWithMessage, errorCode?: string): SourceResult => ({
      sourceId: source.id,
      status: outcome.status,
      elapsedMs: elapsedMs(),
      message: outcome.message,
      warnings: [],
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
      ...(errorCode === undefined ? {} : { errorCode }),
    });

    // The patient index's local identifier for this source's domain, when discovery found one.
    const identifier = request.localIdentifier ?? {
      system: NHS_NUMBER_SYSTEM,
      value: request.patient.nhsNumber,
    };
    const token = `${identifier.system}|${identifier.value}`;
    const nhsNumber = request.patient.nhsNumber;

    // A source that offers a batch of searches is asked the whole view in one request. One that
    // refuses it, or answers it badly, is asked the ways below, now and for the next hour.
    if (capability.batch()) {
      const batched = await batchRecord();
      if (batched !== undefined) return batched;
      capability.forgetBatch();
      const answer = await withoutBatch();
      return { ...answer, warnings: [...answer.warnings, BATCH_REFUSED_WARNING] };
    }
    return withoutBatch();

    async function withoutBatch(): Promise<SourceResult> {
      // A source that offers chained search is asked for every type at once, naming the patient by
      // identifier: no Patient lookup first. Its answers are checked just as the others are.
      if (capability.chained()) {
        const chained = await chainedRecord(token, nhsNumber, get, request.signal);
        if (chained !== undefined) return chained;
      } else {
        capability.learn(authHeader);
      }

      const patientUrl = `${base}/Patient?identifier=${encodeURIComponent(token)}`;
      const found = await get(patientUrl);
      if (found.kind !== 'response') return failed(statusForFailure(found, source.timeoutMs));
      const matched = matchedPatient(found);
      if ('failure' in matched) return failed(matched.failure, matched.errorCode);
      const owner = { id: matched.patient.id ?? '', nhsNumber };
      const searches = await Promise.all(
        resourceTypes.map((type) => searchType(type, { owner }, get)),
      );
      return collected(matched.patient, matched.fullUrl, searches, request.signal);
    }

    /**
     * The single Patient a patient search's answer (an HTTP answer, or a batch entry as one) found,
     * or why there is none to show. A 401 has the token replaced on the next view.
     */
    function matchedPatient(
      found: SourceHttpResponse,
    ):
      | { readonly patient: fhir4.Patient; readonly fullUrl: string | undefined }
      | { readonly failure: StatusWithMessage; readonly errorCode?: string | undefined } {
      if (found.status === 401 && authHeader !== undefined) authorization.refused(authHeader);
      if (found.status < 200 || found.status > 299)
        return { failure: statusForHttp(found.status), errorCode: outcomeCode(found.json) };
      const page = readSearchPage(found.json);
      if (page === undefined) {
        return {
          failure: {
            status: 'malformed',
            message: "The source's answer to the patient search was not a FHIR search result.",
          },
        };
      }
      const patients = page.resources.filter((r): r is fhir4.Patient =>
        isResourceOfType(r, 'Patient'),
      );
      if (patients.length === 0) {
        return {
          failure: {
            status: 'patient-not-found',
            message: 'This source holds no record for this NHS number.',
          },
        };
      }
      if (patients.length > 1) {
        return {
          failure: {
            status: 'error',
            message: `This source holds ${patients.length} patient records with this NHS number, so none is shown. The source's records need merging.`,
          },
        };
      }
      const patient = patients[0] as fhir4.Patient;
      if (typeof patient.id !== 'string' || patient.id === '') {
        return {
          failure: {
            status: 'malformed',
            message: "The source's patient record has no id to search by.",
          },
        };
      }
      return { patient, fullUrl: page.fullUrls.get(patient) };
    }

    /**
     * The whole view in one batch: the Patient by identifier, and every type by
     * `patient.identifier`, each entry's further pages then read by GET. Undefined when the source
     * refused the batch or answered it with something other than a well-formed batch-response (the
     * caller then asks the classic way); a failure to answer at all (deadline, byte cap, a dropped
     * or refused connection, a 401, a 429) is the source's result, as the classic lookup's would be.
     */
    async function batchRecord(): Promise<SourceResult | undefined> {
      const identifierQuery = encodeURIComponent(token);
      const searches = [
        `Patient?identifier=${identifierQuery}`,
        ...resourceTypes.map(
          (type) => `${type}?patient.identifier=${identifierQuery}&_count=${source.pageSize}`,
        ),
      ];
      const answered = await callWithOneRetry(base, call, batchOfSearches(searches));
      if (answered.kind !== 'response') {
        if (answered.kind === 'malformed' || answered.kind === 'wrong-content-type')
          return undefined;
        return failed(statusForFailure(answered, source.timeoutMs));
      }
      if (answered.status === 401 || answered.status === 429) {
        if (answered.status === 401 && authHeader !== undefined) authorization.refused(authHeader);
        return failed(statusForHttp(answered.status), outcomeCode(answered.json));
      }
      if (answered.status < 200 || answered.status > 299) return undefined;
      const entries = readBatchResponse(answered.json, searches.length);
      if (entries === undefined) return undefined;
      const entryOutcome = (at: number): SourceHttpResponse => {
        const entry = entries[at] as BatchEntryAnswer;
        return { ...answered, status: entry.status, json: entry.resource };
      };
      // A search the source says it does not offer in a batch: the classic way, which names it.
      if (
        entries.some(
          (entry) =>
            UNSUPPORTED_STATUSES.has(entry.status) &&
            isResourceOfType(entry.resource, 'OperationOutcome'),
        )
      )
        return undefined;
      const matched = matchedPatient(entryOutcome(0));
      if ('failure' in matched) return failed(matched.failure, matched.errorCode);
      const owner = { id: matched.patient.id ?? '', nhsNumber };
      const typeSearches = await Promise.all(
        resourceTypes.map((type, i) =>
          searchType(type, { owner }, get, {
            url: `${base}/${searches[i + 1] ?? ''}`,
            outcome: entryOutcome(i + 1),
          }),
        ),
      );
      if (
        authHeader !== undefined &&
        typeSearches.some((search) => search.failure?.httpStatus === 401)
      )
        authorization.refused(authHeader);
      return collected(matched.patient, matched.fullUrl, typeSearches, request.signal);
    }

    /**
     * Chained search for every type; undefined when the classic way must be taken instead (a search
     * refused as unsupported, or no Patient included because nothing matched: the lookup tells a
     * patient with nothing held from one not known here).
     */
    async function chainedRecord(
      chain: string,
      tracedNhsNumber: string,
      getUrl: (url: string) => Promise<SourceHttpOutcome>,
      signal: AbortSignal | undefined,
    ): Promise<SourceResult | undefined> {
      const chainedSearches = await Promise.all(
        resourceTypes.map((type) => searchType(type, { chain }, getUrl)),
      );
      // A refused token is replaced on the next view, as after a refused lookup.
      if (
        authHeader !== undefined &&
        chainedSearches.some((search) => search.failure?.httpStatus === 401)
      )
        authorization.refused(authHeader);
      if (chainedSearches.some((search) => search.unsupported)) {
        capability.forget();
        return undefined;
      }
      const byId = new Map<string, { patient: fhir4.Patient; fullUrl: string | undefined }>();
      for (const search of chainedSearches) {
        for (const entry of search.included) {
          if (typeof entry.patient.id === 'string' && entry.patient.id !== '')
            byId.set(entry.patient.id, byId.get(entry.patient.id) ?? entry);
        }
      }
      if (byId.size === 0) {
        const firstFailure = chainedSearches.find(
          (search) => search.failure !== undefined,
        )?.failure;
        // Nothing read at all (the deadline, the byte cap, a failing source): no second try.
        if (chainedSearches.every((search) => search.pagesRead === 0) && firstFailure !== undefined)
          return {
            ...failed({
              ...firstFailure,
              message: `None of this source's searches succeeded. ${firstFailure.message}`,
            }),
            warnings: chainedSearches.flatMap((search) => search.warnings),
          };
        return undefined;
      }
      if (byId.size > 1) {
        return failed({
          status: 'error',
          message: `This source holds ${byId.size} patient records with this NHS number, so none is shown. The source's records need merging.`,
        });
      }
      const [{ patient: matched, fullUrl }] = [...byId.values()] as [
        { patient: fhir4.Patient; fullUrl: string | undefined },
      ];
      const chainedOwner = { id: matched.id ?? '', nhsNumber: tracedNhsNumber };
      for (const search of chainedSearches) {
        for (const entry of search.included) {
          if (
            entry.fullUrl !== undefined &&
            otherPatientKind(entry.patient, chainedOwner) === 'same'
          )
            search.patientAliases.push(entry.fullUrl);
        }
      }
      return collected(matched, fullUrl, chainedSearches, signal);
    }

    /** One source's answer from its matched Patient and its searches (partial data flagged). */
    function collected(
      patient: fhir4.Patient,
      patientFullUrl: string | undefined,
      searches: readonly TypeSearch[],
      signal: AbortSignal | undefined,
    ): SourceResult {
      if (signal?.aborted) {
        return failed({
          status: 'error',
          message: 'The view was closed before this source finished answering.',
        });
      }
      const warnings: SourceWarning[] = [];
      const resources: fhir4.FhirResource[] = [patient];
      const patientAliases = new Set([`${base}/Patient/${patient.id ?? ''}`]);
      if (patientFullUrl !== undefined) patientAliases.add(patientFullUrl);
      const seen = new Set<string>();
      const failures: TypeSearch[] = [];
      for (const search of searches) {
        warnings.push(...search.warnings);
        for (const alias of search.patientAliases) patientAliases.add(alias);
        for (const resource of search.resources) {
          const key =
            resource.id === undefined ? undefined : `${resource.resourceType}/${resource.id}`;
          // Patients are never merged away: the record's assembly must see every one the source sent.
          if (resource.resourceType !== 'Patient' && key !== undefined && seen.has(key)) continue;
          if (key !== undefined) seen.add(key);
          resources.push(resource);
        }
        if (search.failure !== undefined) failures.push(search);
      }
      const anyRead = searches.some((s) => s.pagesRead > 0 || s.unsupported);
      const firstFailure = failures[0]?.failure;
      if (!anyRead && firstFailure !== undefined) {
        return {
          ...failed({
            ...firstFailure,
            message: `None of this source's searches succeeded. ${firstFailure.message}`,
          }),
          warnings,
        };
      }
      return {
        sourceId: source.id,
        status: 'answered',
        elapsedMs: elapsedMs(),
        ...(failures.length === 0
          ? {}
          : {
              message: `Part of this source's record is missing: ${failures.length} of ${resourceTypes.length} searches did not complete (${failures.map((f) => f.type).join(', ')}).`,
            }),
        warnings,
        payload: { format: 'fhir-r4', resources, patientAliases: [...patientAliases] },
      };
    }
  }

  /**
   * A GET of `url`, or with `batch` a POST of that batch of GET searches (a read: see
   * batch-search.ts), retried once on a dropped connection; under the view's deadline and byte cap.
   */
  async function callWithOneRetry(
    url: string,
    call: {
      deadlineAt: number;
      budget: ByteBudget;
      request: SourceRequest;
      authHeader: string | undefined;
    },
    batch?: string,
  ): Promise<SourceHttpOutcome> {
    const once = (freshConnection: boolean): Promise<SourceHttpOutcome> =>
      deps.fetchSource({
        method: batch === undefined ? 'GET' : 'POST',
        url,
        headers: {
          ...headers,
          ...(batch === undefined ? {} : { 'content-type': 'application/fhir+json' }),
          ...(call.authHeader === undefined ? {} : { authorization: call.authHeader }),
          'x-request-id': call.request.requestId,
        },
        ...(batch === undefined ? {} : { body: batch }),
        timeoutMs: Math.max(0, Math.floor(call.deadlineAt - performance.now())),
        maxResponseBytes: source.maxResponseBytes,
        acceptContentTypes: ACCEPT,
        signal: call.request.signal,
        tls,
        byteBudget: call.budget,
        freshConnection,
      });
    const first = await once(false);
    // A dropped connection is often a stale pooled socket: one more try, on a new connection, if time allows.
    if (first.kind !== 'network-error' || call.deadlineAt - performance.now() < MIN_RETRY_MS)
      return first;
    return once(true);
  }

  /**
   * Searches one type, every page: by the matched Patient's id (`owner`), or chained by the
   * patient's identifier token (`chain`, with the Patient included in the answer). With `first`,
   * the first page is already had (a batch entry, asked by `owner`'s identifier): only the next
   * pages are fetched.
   */
  async function searchType(
    type: string,
    by:
      | { readonly owner: { readonly id: string; readonly nhsNumber: string } }
      | { readonly chain: string },
    get: (url: string) => Promise<SourceHttpOutcome>,
    first?: { readonly url: string; readonly outcome: SourceHttpOutcome },
  ): Promise<TypeSearch> {
    const owner = 'owner' in by ? by.owner : undefined;
    const search: TypeSearch = {
      type,
      resources: [],
      warnings: [],
      patientAliases: [],
      included: [],
      pagesRead: 0,
      unsupported: false,
    };
    const visited = new Set<string>();
    let dropped = 0;
    let url =
      first !== undefined
        ? first.url
        : owner === undefined
          ? `${base}/${type}?patient.identifier=${encodeURIComponent('chain' in by ? by.chain : '')}&_include=${encodeURIComponent(`${type}:patient`)}&_count=${source.pageSize}`
          : `${base}/${type}?patient=${encodeURIComponent(owner.id)}&_count=${source.pageSize}`;
    for (;;) {
      visited.add(url);
      const outcome =
        search.pagesRead === 0 && first !== undefined && url === first.url
          ? first.outcome
          : await get(url);
      if (outcome.kind !== 'response') {
        search.failure = statusForFailure(outcome, source.timeoutMs);
        break;
      }
      if (outcome.status < 200 || outcome.status > 299) {
        if (
          search.pagesRead === 0 &&
          UNSUPPORTED_STATUSES.has(outcome.status) &&
          isResourceOfType(outcome.json, 'OperationOutcome')
        ) {
          search.unsupported = true;
          search.warnings.push({
            code: 'unsupported-search',
            area: type,
            message: `This source does not offer ${type} records, so none are shown from it.`,
          });
        } else {
          search.failure = statusForHttp(outcome.status);
        }
        break;
      }
      const page = readSearchPage(outcome.json);
      if (page === undefined) {
        search.failure = {
          status: 'malformed',
          message: "The source's answer was not a FHIR search result.",
        };
        break;
      }
      search.pagesRead++;
      search.resources.push(...page.resources);
      for (const resource of page.resources) {
        const fullUrl = page.fullUrls.get(resource);
        // An included copy of the matched Patient names it under its fullUrl within this answer.
        if (!isResourceOfType(resource, 'Patient')) continue;
        if (owner === undefined) search.included.push({ patient: resource, fullUrl });
        else if (fullUrl !== undefined && otherPatientKind(resource, owner) === 'same')
          search.patientAliases.push(fullUrl);
      }
      dropped += page.dropped;
      for (const note of page.outcomes) search.warnings.push(...outcomeWarnings(note, type));
      const next = page.next === undefined ? undefined : nextPageUrl(page.next);
      if (next === undefined) {
        if (page.next !== undefined) {
          search.warnings.push({
            code: 'next-link-ignored',
            area: type,
            message: `The source pointed to further ${type} results at another address, which was not followed; some may be missing.`,
          });
        }
        break;
      }
      if (visited.has(next)) break;
      if (search.pagesRead >= source.maxPages) {
        search.warnings.push({
          code: 'page-cap',
          area: type,
          message: `Only the first ${source.maxPages} pages of ${type} results were read; the rest are not shown.`,
        });
        break;
      }
      url = next;
    }
    if (dropped > 0) {
      search.warnings.push({
        code: 'items-dropped',
        area: type,
        message: `${dropped} ${type} ${dropped === 1 ? 'entry' : 'entries'} from this source had no content and ${dropped === 1 ? 'was' : 'were'} left out.`,
      });
    }
    if (search.failure !== undefined) {
      search.warnings.push({
        code: search.failure.status,
        area: type,
        message:
          search.pagesRead === 0
            ? `${type} records could not be read: ${search.failure.message}`
            : `Only part of the ${type} records arrived: ${search.failure.message}`,
      });
    }
    return search;
  }

  /** Resolves a next link against the source and refuses any that leaves the source's origin (it would carry our credentials elsewhere). */
  function nextPageUrl(link: string): string | undefined {
    try {
      const resolved = new URL(link, `${base}/`);
      return resolved.origin === origin ? resolved.href : undefined;
    } catch {
      return undefined;
    }
  }

  return neverThrowing({ source, fetchRecord });
}

function outcomeWarnings(outcome: fhir4.OperationOutcome, type: string): SourceWarning[] {
  const issues: unknown = outcome.issue;
  if (!Array.isArray(issues)) return [];
  return (issues as unknown[])
    .filter(
      (issue) =>
        typeof issue === 'object' &&
        issue !== null &&
        (issue as { severity?: unknown }).severity !== 'information',
    )
    .map((issue) => {
      // Only our own code for the issue is named: the source's words never reach the clinician or the trail.
      const code = issueCode(issue);
      const warning = (issue as { severity?: unknown }).severity === 'warning';
      return {
        code: 'search-outcome',
        area: type,
        message: `The source reported a ${warning ? 'warning' : 'problem'} with its ${type} results (${code}); some may be missing.`,
      };
    });
}
