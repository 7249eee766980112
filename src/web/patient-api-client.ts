/**
 * @module The patient pages' client for their own JSON routes (`/api/patient/…`, docs/api.md
 * "Patients"): the patient session cookie only (never a staff session), the CSRF token held in
 * memory, and every error a value the page can show. Types and the checks of every answer come
 * from src/api/patient-portal.ts.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import {
  AccessHistory,
  ConcernList,
  ConcernRaised,
  NotificationSettings,
  Objection,
  PatientPermissionList,
  PatientSession,
  type Concern,
  type ConcernRequest,
  type NotificationSettingsRequest,
  type PatientPermission,
} from '../api/patient-portal.ts';
import { EntryProof } from '../api/audit.ts';
import { answerOf, NoContent, toApiError, type ApiResult } from './api-client.ts';

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

/** Builds the client; `fetch` and `baseUrl` are for tests. */
export function createPatientApiClient(
  options: { readonly baseUrl?: string; readonly fetch?: typeof fetch } = {},
): PatientApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let csrfToken: string | undefined;

  async function call<S extends TSchema>(
    schema: S,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResult<Static<S>>> {
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
    return answerOf(schema, response);
  }

  function map<A, B>(result: ApiResult<A>, pick: (value: A) => B): ApiResult<B> {
    return result.ok ? { ok: true, value: pick(result.value) } : result;
  }

  return {
    async getSession() {
      const result = await call(PatientSession, 'GET', '/session');
      csrfToken = result.ok ? result.value.csrfToken : undefined;
      return result;
    },
    async signOut() {
      const result = await call(NoContent, 'DELETE', '/session');
      csrfToken = undefined;
      return map(result, () => null);
    },
    getAccessHistory() {
      return call(AccessHistory, 'GET', '/access-history');
    },
    getLineProof(seq) {
      return call(EntryProof, 'GET', `/access-history/${encodeURIComponent(String(seq))}/proof`);
    },
    getObjection() {
      return call(Objection, 'GET', '/objection');
    },
    recordObjection() {
      return call(Objection, 'POST', '/objection');
    },
    withdrawObjection() {
      return call(Objection, 'DELETE', '/objection');
    },
    async listPermissions() {
      const result = await call(PatientPermissionList, 'GET', '/permissions');
      return map(result, (v) => v.permissions);
    },
    async withdrawPermission(permissionId) {
      const result = await call(
        NoContent,
        'DELETE',
        `/permissions/${encodeURIComponent(permissionId)}`,
      );
      return map(result, () => null);
    },
    async listConcerns() {
      const result = await call(ConcernList, 'GET', '/concerns');
      return map(result, (v) => v.concerns);
    },
    async raiseConcern(request) {
      const result = await call(ConcernRaised, 'POST', '/concerns', request);
      return map(result, (v) => v.concern);
    },
    getSettings() {
      return call(NotificationSettings, 'GET', '/settings');
    },
    saveSettings(request) {
      return call(NotificationSettings, 'POST', '/settings', request);
    },
  };
}
