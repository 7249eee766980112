/**
 * @module The browser's client for the JSON API: same-origin cookies, no caching, the CSRF
 * token held in memory only, and every error turned into a value the UI can show.
 */
import type {
  DemographicsQuery,
  OperationOutcome,
  PatientSummary,
  Permission,
  PermissionRequest,
  RecordView,
  Session,
} from './api-types.ts';

/** A failed call, in words a clinician can read. `status` 0 means the server was not reached. */
export interface ApiError {
  readonly status: number;
  /** The first issue's coded reason, e.g. `PERMISSION_REQUIRED`, `DISSENT`, `AUDIT_UNAVAILABLE`. */
  readonly code?: string;
  readonly message: string;
}

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
  getRecord(nhsNumber: string): Promise<ApiResult<RecordView>>;
  /**
   * Opens the record stream (Server-Sent Events); absent where the browser has no EventSource.
   * Returns a function that stops it.
   */
  streamRecord?(nhsNumber: string, listener: RecordStreamListener): () => void;
  /** The single sign-on providers the sign-in page offers (none when not configured). */
  listSignInProviders(): Promise<ApiResult<readonly SignInProvider[]>>;
}

/** A single sign-on provider as `GET /api/auth/providers` lists it. */
export interface SignInProvider {
  readonly id: string;
  readonly name: string;
  /** A same-origin path that starts the sign-in. */
  readonly loginUrl: string;
}

/** What the record stream tells the page, event by event (each `data` is the event's JSON text). */
export interface RecordStreamListener {
  started(data: string): void;
  source(data: string): void;
  complete(data: string): void;
  /**
   * The stream stopped without `complete`. `beforeStart` means nothing arrived (a refusal or no
   * stream endpoint): ask the plain record endpoint instead. `data` is an `error` event's body.
   */
  failed(data: string | undefined, beforeStart: boolean): void;
}

/** The part of the browser's EventSource the client uses (passed in for tests). */
export type EventSourceFactory = (url: string) => {
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
};

export interface ApiClientOptions {
  /** Prefix for every path; empty for the page's own origin. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Opens an EventSource; defaults to the browser's, same origin (the session cookie goes with it). */
  readonly eventSource?: EventSourceFactory;
}

function defaultEventSource(): EventSourceFactory | undefined {
  const Constructor = (globalThis as { EventSource?: typeof EventSource }).EventSource;
  return Constructor === undefined ? undefined : (url) => new Constructor(url);
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

function isOperationOutcome(body: unknown): body is OperationOutcome {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { resourceType?: unknown }).resourceType === 'OperationOutcome' &&
    Array.isArray((body as { issue?: unknown }).issue)
  );
}

/** Turns an HTTP status and (maybe) an OperationOutcome body into an `ApiError`. */
export function toApiError(status: number, body: unknown): ApiError {
  const fallback = GENERIC_MESSAGES[status] ?? `Something went wrong (HTTP ${status}). Try again.`;
  if (!isOperationOutcome(body)) return { status, message: fallback };
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

/** Builds a client. The CSRF token lives only in this closure, never in browser storage. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const openEventSource = options.eventSource ?? defaultEventSource();
  let csrfToken: string | undefined;

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResult<T>> {
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
    const parsed = await readJson(response);
    if (!response.ok) return { ok: false, error: toApiError(response.status, parsed) };
    return { ok: true, value: parsed as T };
  }

  function map<A, B>(result: ApiResult<A>, pick: (value: A) => B): ApiResult<B> {
    return result.ok ? { ok: true, value: pick(result.value) } : result;
  }

  function keepToken(result: ApiResult<Session>): ApiResult<Session> {
    csrfToken = result.ok ? result.value.csrfToken : undefined;
    return result;
  }

  const patientPath = (nhsNumber: string): string =>
    `/api/patients/${encodeURIComponent(nhsNumber)}`;

  return {
    async signIn(username, password) {
      return keepToken(await call<Session>('POST', '/api/session', { username, password }));
    },
    async getSession() {
      return keepToken(await call<Session>('GET', '/api/session'));
    },
    async signOut() {
      const result = await call<null>('DELETE', '/api/session');
      csrfToken = undefined;
      return map(result, () => null);
    },
    async findByNhsNumber(nhsNumber) {
      const query = new URLSearchParams({ nhsNumber });
      const result = await call<{ patients: PatientSummary[] }>('GET', `/api/patients?${query}`);
      return map(result, (v) => v.patients);
    },
    async findByDemographics(demographics) {
      const query = new URLSearchParams();
      const fields = ['family', 'given', 'birthdate', 'gender', 'postcode'] as const;
      for (const field of fields) {
        const trimmed = demographics[field].trim();
        if (trimmed !== '') query.set(field, trimmed);
      }
      const result = await call<{ patients: PatientSummary[] }>('GET', `/api/patients?${query}`);
      return map(result, (v) => v.patients);
    },
    async listPermissions(nhsNumber) {
      const result = await call<{ permissions: Permission[] }>(
        'GET',
        `${patientPath(nhsNumber)}/permissions`,
      );
      return map(result, (v) => v.permissions);
    },
    async recordPermission(nhsNumber, request) {
      const result = await call<{ permission: Permission }>(
        'POST',
        `${patientPath(nhsNumber)}/permissions`,
        request,
      );
      return map(result, (v) => v.permission);
    },
    async withdrawPermission(permissionId) {
      const result = await call<null>(
        'DELETE',
        `/api/permissions/${encodeURIComponent(permissionId)}`,
      );
      return map(result, () => null);
    },
    getRecord(nhsNumber) {
      return call<RecordView>('GET', `${patientPath(nhsNumber)}/record`);
    },
    async listSignInProviders() {
      const result = await call<{ providers?: unknown } | null>('GET', '/api/auth/providers');
      return map(result, (v) =>
        (Array.isArray(v?.providers) ? (v.providers as unknown[]) : []).filter(
          (p): p is SignInProvider =>
            typeof p === 'object' &&
            p !== null &&
            typeof (p as SignInProvider).name === 'string' &&
            typeof (p as SignInProvider).loginUrl === 'string' &&
            isLocalPath((p as SignInProvider).loginUrl),
        ),
      );
    },
    ...(openEventSource === undefined
      ? {}
      : {
          streamRecord(nhsNumber: string, listener: RecordStreamListener) {
            const source = openEventSource(`${baseUrl}${patientPath(nhsNumber)}/record/stream`);
            let started = false;
            let done = false;
            const stop = (): void => {
              done = true;
              source.close();
            };
            const dataOf = (event: Event): string => {
              const data: unknown = (event as MessageEvent<unknown>).data;
              return typeof data === 'string' ? data : '';
            };
            source.addEventListener('started', (event) => {
              if (done) return;
              started = true;
              listener.started(dataOf(event));
            });
            source.addEventListener('source', (event) => {
              if (!done) listener.source(dataOf(event));
            });
            source.addEventListener('complete', (event) => {
              if (done) return;
              stop();
              listener.complete(dataOf(event));
            });
            // Both the server's `error` event (with data) and a lost or refused connection land here;
            // closing stops the browser reconnecting (a view is never silently repeated).
            source.addEventListener('error', (event) => {
              if (done) return;
              stop();
              const data = dataOf(event);
              listener.failed(data === '' ? undefined : data, !started);
            });
            return stop;
          },
        }),
  };
}
