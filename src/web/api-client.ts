/**
 * @module The browser's client for the JSON API: same-origin cookies, no caching, the CSRF
 * token held in memory only, and every error turned into a value the UI can show.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  PrivacyAlertList,
  PrivacyAlertReviewed,
  type PrivacyAlert as PrivacyAlertJson,
} from '../api/alerts.ts';
import {
  AccessReport,
  AuditSearchPage,
  EntryProof,
  type AccessReport as AccessReportJson,
  type AuditSearchQuery,
  type EntryProof as EntryProofJson,
} from '../api/audit.ts';
import {
  EmergencyReviewed,
  EmergencyReviewList,
  type EmergencyReview as EmergencyReviewJson,
  type ReviewOutcome,
} from '../api/emergency-reviews.ts';
import { OperationOutcome } from '../api/errors.ts';
import {
  PatientSearchResult,
  type DemographicsQuery,
  type PatientSummary,
} from '../api/patients.ts';
import {
  PermissionList,
  PermissionOptions,
  PermissionRecorded,
  type Permission,
  type PermissionRequest,
} from '../api/permissions.ts';
import { RecordView } from '../api/record.ts';
import { RecordPrinted, type PrintScope } from '../api/record-print.ts';
import { Session, SignInProviders, type SignInProvider } from '../api/session.ts';
import { SourcesStatus } from '../api/sources.ts';
import { createSseParser, type SseEvent } from './sse-parser.ts';

/** A failed call, in words a clinician can read. `status` 0 means the server was not reached. */
export interface ApiError {
  readonly status: number;
  /** The first issue's coded reason, e.g. `PERMISSION_REQUIRED`, `DISSENT`, `AUDIT_UNAVAILABLE`. */
  readonly code?: string;
  readonly message: string;
}

/** Names a Documents item: its `source.sourceId` and `resource.id`. */
export interface DocumentRef {
  readonly sourceId: string;
  readonly id: string;
}

/** A document as the server sent it: a PDF's bytes, or sanitised HTML. */
export type OpenedDocument =
  | { readonly kind: 'pdf'; readonly bytes: ArrayBuffer }
  | { readonly kind: 'html'; readonly html: string };

/** Every call answers a value; none throws. */
export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** What the UI may ask of the server. */
export interface ApiClient {
  signIn(username: string, password: string): Promise<ApiResult<Session>>;
  getSession(): Promise<ApiResult<Session>>;
  signOut(): Promise<ApiResult<null>>;
  findByNhsNumber(nhsNumber: string): Promise<ApiResult<readonly PatientSummary[]>>;
  findByDemographics(query: DemographicsQuery): Promise<ApiResult<readonly PatientSummary[]>>;
  listPermissions(nhsNumber: string): Promise<ApiResult<readonly Permission[]>>;
  recordPermission(nhsNumber: string, request: PermissionRequest): Promise<ApiResult<Permission>>;
  withdrawPermission(permissionId: string): Promise<ApiResult<null>>;
  /** The reasons and durations a permission may be recorded with (the server's configuration). */
  getPermissionOptions(): Promise<ApiResult<PermissionOptions>>;
  getRecord(nhsNumber: string): Promise<ApiResult<RecordView>>;
  /** Audits a print of the record or its summary; the answer is the printed pages' marking. */
  printRecord(nhsNumber: string, scope: PrintScope): Promise<ApiResult<RecordPrinted>>;
  /**
   * Opens the record stream (Server-Sent Events read with `fetch()`, so a refusal's
   * OperationOutcome is read from the same response and no second request is made).
   * Returns a function that stops it. Absent where the browser cannot stream a response body.
   */
  streamRecord?(nhsNumber: string, listener: RecordStreamListener): () => void;
  /**
   * Fetches one Documents item's document live (NRL pointers by their own route, others from the
   * source they came from): its bytes in memory only, never cached or stored.
   */
  openDocument?(nhsNumber: string, item: DocumentRef): Promise<ApiResult<OpenedDocument>>;
  /** The single sign-on providers the sign-in page offers (none when not configured). */
  listSignInProviders(): Promise<ApiResult<readonly SignInProvider[]>>;
  /** Searches the audit trail, newest first (`search-audit`). */
  searchAudit(query: AuditSearchQuery): Promise<ApiResult<AuditSearchPage>>;
  /** One entry's inclusion proof against the newest signed checkpoint (`search-audit`). */
  getAuditProof(seq: number): Promise<ApiResult<EntryProofJson>>;
  /** Who accessed one patient's record (`search-audit`). */
  getAccessReport(
    nhsNumber: string,
    range?: { readonly from?: string; readonly to?: string },
  ): Promise<ApiResult<AccessReportJson>>;
  /** Emergency accesses awaiting review, or all of them (`review-emergency-access`). */
  listEmergencyReviews(status: 'open' | 'all'): Promise<ApiResult<readonly EmergencyReviewJson[]>>;
  reviewEmergencyAccess(
    permissionId: string,
    outcome: ReviewOutcome,
    note: string,
  ): Promise<ApiResult<EmergencyReviewJson>>;
  /** Privacy-monitoring alerts (`review-emergency-access`); 404 where the server has none. */
  listPrivacyAlerts(status: 'open' | 'all'): Promise<ApiResult<readonly PrivacyAlertJson[]>>;
  reviewPrivacyAlert(
    id: string,
    outcome: ReviewOutcome,
    note: string,
  ): Promise<ApiResult<PrivacyAlertJson>>;
  /** Each source system's breaker, bulkhead and recent calls (any signed-in role). */
  getSourcesStatus(): Promise<ApiResult<SourcesStatus>>;
}

export type { SignInProvider };

/** What the record stream tells the page, event by event (each `data` is the event's JSON text). */
export interface RecordStreamListener {
  started(data: string): void;
  source(data: string): void;
  complete(data: string): void;
  /**
   * The server refused the view (or could not be reached) before any event: the stream's own
   * HTTP answer, e.g. 403 `PERMISSION_REQUIRED`. Nothing else follows.
   */
  refused(error: ApiError): void;
  /** The stream stopped after it was accepted but before `complete`; `data` is an `error` event's body. */
  failed(data: string | undefined): void;
}

export interface ApiClientOptions {
  /** Prefix for every path; empty for the page's own origin. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

/** Keeps only same-origin paths, so a provider list can never point the page elsewhere. */
function isLocalPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
}

const GENERIC_MESSAGES: Readonly<Record<number, string>> = {
  0: 'Could not reach the server. Check your connection and try again.',
  401: 'You are not signed in, or your session has ended. Sign in again.',
  403: 'You do not have permission to do this.',
  404: 'Not found.',
  429: 'Too many attempts. Wait a few minutes and try again.',
  503: 'The service is not available at the moment. Try again shortly.',
};

/** An answer that does not match the contract (src/api/): not shown, reported as an error. */
function unreadableAnswer(status: number): ApiError {
  return {
    status,
    code: 'UNREADABLE_ANSWER',
    message: 'The server’s answer could not be read. Try again, or tell your IT service desk.',
  };
}

/** Turns an HTTP status and (maybe) an OperationOutcome body into an `ApiError`. */
export function toApiError(status: number, body: unknown): ApiError {
  const fallback = GENERIC_MESSAGES[status] ?? `Something went wrong (HTTP ${status}). Try again.`;
  if (!Value.Check(OperationOutcome, body)) return { status, message: fallback };
  const issue = body.issue[0];
  const code = issue?.details?.coding?.find((c) => typeof c.code === 'string')?.code;
  const text = issue?.details?.text ?? issue?.diagnostics;
  const message = typeof text === 'string' && text.trim() !== '' ? text : fallback;
  return code === undefined ? { status, message } : { status, code, message };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

/**
 * A response as a value: its OperationOutcome as an error, or its body checked against the
 * contract's schema — an answer of another shape is an error, never shown half-read.
 */
export async function answerOf<S extends TSchema>(
  schema: S,
  response: Response,
): Promise<ApiResult<Static<S>>> {
  const parsed = await readJson(response);
  if (!response.ok) return { ok: false, error: toApiError(response.status, parsed) };
  if (!Value.Check(schema, parsed)) return { ok: false, error: unreadableAnswer(response.status) };
  return { ok: true, value: parsed };
}

/** A 204 answer has no body. */
export const NoContent = Type.Null();

/** The HTTP methods the JSON API's routes take. */
export type CallMethod = 'GET' | 'POST' | 'DELETE';

/** JSON calls to one API's routes, with the session's CSRF token sent on every change. */
export interface JsonCalls {
  /** One call: its answer checked against `schema`, every failure a value. */
  readonly call: <S extends TSchema>(
    schema: S,
    method: CallMethod,
    path: string,
    body?: unknown,
  ) => Promise<ApiResult<Static<S>>>;
  /** Keeps the CSRF token a session answer carries; an error answer forgets it. */
  readonly keepToken: <T extends { readonly csrfToken: string }>(
    result: ApiResult<T>,
  ) => ApiResult<T>;
  /** Forgets the CSRF token (the session has ended). */
  readonly forgetToken: () => void;
}

/**
 * Calls to the routes under `options.baseUrl`. The CSRF token lives only in this closure, never in
 * browser storage.
 */
export function createJsonCalls(options: ApiClientOptions = {}): JsonCalls {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let csrfToken: string | undefined;
  return {
    async call(schema, method, path, body) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
      let response: Response;
      try {
        response = await doFetch(baseUrl + path, {
          method,
          headers,
          credentials: 'same-origin',
          cache: 'no-store',
          body: body === undefined ? null : JSON.stringify(body),
        });
      } catch {
        return { ok: false, error: toApiError(0, null) };
      }
      return answerOf(schema, response);
    },
    keepToken(result) {
      csrfToken = result.ok ? result.value.csrfToken : undefined;
      return result;
    },
    forgetToken() {
      csrfToken = undefined;
    },
  };
}

/** A result's value picked or reshaped; an error passes through unchanged. */
export function mapResult<A, B>(result: ApiResult<A>, pick: (value: A) => B): ApiResult<B> {
  return result.ok ? { ok: true, value: pick(result.value) } : result;
}

/** Builds a client. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const { call, keepToken, forgetToken } = createJsonCalls({ baseUrl, fetch: doFetch });

  const patientPath = (nhsNumber: string): string =>
    `/api/patients/${encodeURIComponent(nhsNumber)}`;

  return {
    async openDocument(nhsNumber, item) {
      const path =
        item.sourceId === 'nrl'
          ? `${patientPath(nhsNumber)}/documents/${encodeURIComponent(item.id)}`
          : `${patientPath(nhsNumber)}/sources/${encodeURIComponent(item.sourceId)}/documents/${encodeURIComponent(item.id)}`;
      let response: Response;
      try {
        response = await doFetch(baseUrl + path, {
          headers: { accept: 'application/pdf, text/html' },
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch {
        return { ok: false, error: toApiError(0, null) };
      }
      if (!response.ok)
        return { ok: false, error: toApiError(response.status, await readJson(response)) };
      const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim();
      if (type === 'application/pdf')
        return { ok: true, value: { kind: 'pdf', bytes: await response.arrayBuffer() } };
      if (type === 'text/html')
        return { ok: true, value: { kind: 'html', html: await response.text() } };
      return { ok: false, error: unreadableAnswer(response.status) };
    },
    async signIn(username, password) {
      return keepToken(await call(Session, 'POST', '/api/session', { username, password }));
    },
    async getSession() {
      return keepToken(await call(Session, 'GET', '/api/session'));
    },
    async signOut() {
      const result = await call(NoContent, 'DELETE', '/api/session');
      forgetToken();
      return mapResult(result, () => null);
    },
    async findByNhsNumber(nhsNumber) {
      const query = new URLSearchParams({ nhsNumber });
      const result = await call(PatientSearchResult, 'GET', `/api/patients?${query}`);
      return mapResult(result, (v) => v.patients);
    },
    async findByDemographics(demographics) {
      const query = new URLSearchParams();
      const fields = ['family', 'given', 'birthdate', 'gender', 'postcode'] as const;
      for (const field of fields) {
        const trimmed = demographics[field].trim();
        if (trimmed !== '') query.set(field, trimmed);
      }
      const result = await call(PatientSearchResult, 'GET', `/api/patients?${query}`);
      return mapResult(result, (v) => v.patients);
    },
    async listPermissions(nhsNumber) {
      const result = await call(PermissionList, 'GET', `${patientPath(nhsNumber)}/permissions`);
      return mapResult(result, (v) => v.permissions);
    },
    async recordPermission(nhsNumber, request) {
      const result = await call(
        PermissionRecorded,
        'POST',
        `${patientPath(nhsNumber)}/permissions`,
        request,
      );
      return mapResult(result, (v) => v.permission);
    },
    getPermissionOptions() {
      return call(PermissionOptions, 'GET', '/api/permission-options');
    },
    async withdrawPermission(permissionId) {
      const result = await call(
        NoContent,
        'DELETE',
        `/api/permissions/${encodeURIComponent(permissionId)}`,
      );
      return mapResult(result, () => null);
    },
    getRecord(nhsNumber) {
      return call(RecordView, 'GET', `${patientPath(nhsNumber)}/record`);
    },
    printRecord(nhsNumber, scope) {
      return call(RecordPrinted, 'POST', `${patientPath(nhsNumber)}/record-print`, { scope });
    },
    async listSignInProviders() {
      const result = await call(SignInProviders, 'GET', '/api/auth/providers');
      return mapResult(result, (v) =>
        v.providers.filter((provider) => isLocalPath(provider.loginUrl)),
      );
    },
    streamRecord(nhsNumber, listener) {
      return streamEvents(doFetch, `${baseUrl}${patientPath(nhsNumber)}/record/stream`, listener);
    },
    searchAudit(query) {
      return call(AuditSearchPage, 'GET', `/api/audit?${auditQuery(query)}`);
    },
    getAuditProof(seq) {
      return call(EntryProof, 'GET', `/api/audit/${encodeURIComponent(String(seq))}/proof`);
    },
    getAccessReport(nhsNumber, range = {}) {
      const query = new URLSearchParams();
      if (range.from !== undefined && range.from !== '') query.set('from', range.from);
      if (range.to !== undefined && range.to !== '') query.set('to', range.to);
      const suffix = query.size === 0 ? '' : `?${query}`;
      return call(AccessReport, 'GET', `${patientPath(nhsNumber)}/access-report${suffix}`);
    },
    async listEmergencyReviews(status) {
      const result = await call(
        EmergencyReviewList,
        'GET',
        `/api/emergency-reviews?status=${status}`,
      );
      return mapResult(result, (v) => v.reviews);
    },
    async reviewEmergencyAccess(permissionId, outcome, note) {
      const result = await call(
        EmergencyReviewed,
        'POST',
        `/api/emergency-reviews/${encodeURIComponent(permissionId)}`,
        { outcome, note },
      );
      return mapResult(result, (v) => v.review);
    },
    async listPrivacyAlerts(status) {
      const result = await call(PrivacyAlertList, 'GET', `/api/privacy-alerts?status=${status}`);
      return mapResult(result, (v) => v.alerts);
    },
    async reviewPrivacyAlert(id, outcome, note) {
      const result = await call(
        PrivacyAlertReviewed,
        'POST',
        `/api/privacy-alerts/${encodeURIComponent(id)}`,
        { outcome, note },
      );
      return mapResult(result, (v) => v.alert);
    },
    getSourcesStatus() {
      return call(SourcesStatus, 'GET', '/api/sources/status');
    },
  };
}

/** The query string of an audit search: empty filters left out. */
export function auditQuery(query: AuditSearchQuery): string {
  const params = new URLSearchParams();
  const text = (
    ['nhsNumber', 'userId', 'action', 'organisation', 'outcome', 'from', 'to'] as const
  ).map((key) => [key, query[key]?.trim() ?? ''] as const);
  for (const [key, value] of text) if (value !== '') params.set(key, value);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.beforeSeq !== undefined) params.set('beforeSeq', String(query.beforeSeq));
  return params.toString();
}

/**
 * Reads a `text/event-stream` response body and hands each event to the listener. A non-200
 * answer is a refusal, read from this same response; a stop aborts the request.
 */
function streamEvents(
  doFetch: typeof fetch,
  url: string,
  listener: RecordStreamListener,
): () => void {
  const controller = new AbortController();
  let done = false;
  // Read through a function: the flag is changed by callbacks the type checker cannot follow.
  const stopped = (): boolean => done;
  const stop = (): void => {
    done = true;
    controller.abort();
  };
  const finish = (report: () => void): void => {
    if (done) return;
    stop();
    report();
  };
  const dispatch = (event: SseEvent): void => {
    if (done) return;
    switch (event.type) {
      case 'started':
        listener.started(event.data);
        break;
      case 'source':
        listener.source(event.data);
        break;
      case 'complete':
        finish(() => {
          listener.complete(event.data);
        });
        break;
      case 'error':
        finish(() => {
          listener.failed(event.data);
        });
        break;
      default:
        break;
    }
  };

  void (async () => {
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { accept: 'text/event-stream' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch {
      finish(() => {
        listener.refused(toApiError(0, null));
      });
      return;
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null || !type.startsWith('text/event-stream')) {
      const body = await readJson(response);
      const error = response.ok
        ? { status: response.status, message: 'The record could not be read. Try again.' }
        : toApiError(response.status, body);
      finish(() => {
        listener.refused(error);
      });
      return;
    }
    const parser = createSseParser(dispatch);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done: ended, value } = await reader.read();
        if (ended || stopped()) break;
        parser.push(value);
      }
    } catch {
      // A lost connection, or our own stop: reported below unless it was the stop.
    }
    parser.end();
    finish(() => {
      listener.failed(undefined);
    });
  })();
  return stop;
}
