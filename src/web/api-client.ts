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
}

export interface ApiClientOptions {
  /** Prefix for every path; empty for the page's own origin. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
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
  };
}
