/**
 * @module The patient pages' client for their own JSON routes (`/api/patient/…`, docs/api.md
 * "Patients"): the patient session cookie only (never a staff session), the CSRF token held in
 * memory, and every error a value the page can show. Types come from src/api/patient-portal.ts.
 */
import type {
  AccessHistory,
  Objection,
  Concern,
  PatientPermission,
  PatientSession,
  NotificationSettings,
  NotificationSettingsRequest,
  ConcernRequest,
} from '../api/patient-portal.ts';
import type { EntryProof } from '../api/audit.ts';
import { toApiError, type ApiResult } from './api-client.ts';

/** Where a patient starts signing in (NHS login). */
export const NHS_LOGIN_START = '/auth/nhs-login/login';

/** What the patient pages may ask of the server. */
export interface PatientApiClient {
  getSession(): Promise<ApiResult<PatientSession>>;
  signOut(): Promise<ApiResult<null>>;
  getAccessHistory(): Promise<ApiResult<AccessHistory>>;
  getLineProof(seq: number): Promise<ApiResult<EntryProof>>;
  getObjection(): Promise<ApiResult<Objection>>;
  recordObjection(): Promise<ApiResult<Objection>>;
  withdrawObjection(): Promise<ApiResult<Objection>>;
  listPermissions(): Promise<ApiResult<readonly PatientPermission[]>>;
  withdrawPermission(permissionId: string): Promise<ApiResult<null>>;
  listConcerns(): Promise<ApiResult<readonly Concern[]>>;
  raiseConcern(request: ConcernRequest): Promise<ApiResult<Concern>>;
  getSettings(): Promise<ApiResult<NotificationSettings>>;
  saveSettings(request: NotificationSettingsRequest): Promise<ApiResult<NotificationSettings>>;
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  if (!(response.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

/** Builds the client; `fetch` and `baseUrl` are for tests. */
export function createPatientApiClient(
  options: { readonly baseUrl?: string; readonly fetch?: typeof fetch } = {},
): PatientApiClient {
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
      response = await doFetch(`${baseUrl}/api/patient${path}`, {
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

  return {
    async getSession() {
      const result = await call<PatientSession>('GET', '/session');
      csrfToken = result.ok ? result.value.csrfToken : undefined;
      return result;
    },
    async signOut() {
      const result = await call<null>('DELETE', '/session');
      csrfToken = undefined;
      return map(result, () => null);
    },
    getAccessHistory() {
      return call<AccessHistory>('GET', '/access-history');
    },
    getLineProof(seq) {
      return call<EntryProof>('GET', `/access-history/${encodeURIComponent(String(seq))}/proof`);
    },
    getObjection() {
      return call<Objection>('GET', '/objection');
    },
    recordObjection() {
      return call<Objection>('POST', '/objection');
    },
    withdrawObjection() {
      return call<Objection>('DELETE', '/objection');
    },
    async listPermissions() {
      const result = await call<{ permissions: PatientPermission[] }>('GET', '/permissions');
      return map(result, (v) => v.permissions);
    },
    async withdrawPermission(permissionId) {
      const result = await call<null>('DELETE', `/permissions/${encodeURIComponent(permissionId)}`);
      return map(result, () => null);
    },
    async listConcerns() {
      const result = await call<{ concerns: Concern[] }>('GET', '/concerns');
      return map(result, (v) => v.concerns);
    },
    async raiseConcern(request) {
      const result = await call<{ concern: Concern }>('POST', '/concerns', request);
      return map(result, (v) => v.concern);
    },
    getSettings() {
      return call<NotificationSettings>('GET', '/settings');
    },
    saveSettings(request) {
      return call<NotificationSettings>('POST', '/settings', request);
    },
  };
}
