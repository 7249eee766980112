/**
 * @module The patient pages' client for their own JSON routes (`/api/patient/…`, docs/api.md
 * "Patients"): the patient session cookie only (never a staff session), the CSRF token held in
 * memory, and every error a value the page can show. Types and the checks of every answer come
 * from src/api/patient-portal.ts.
 */
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
import { createJsonCalls, mapResult, NoContent, type ApiResult } from './api-client.ts';

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
  const { call, keepToken, forgetToken } = createJsonCalls({
    baseUrl: `${options.baseUrl ?? ''}/api/patient`,
    fetch: options.fetch,
  });

  return {
    async getSession() {
      return keepToken(await call(PatientSession, 'GET', '/session'));
    },
    async signOut() {
      const result = await call(NoContent, 'DELETE', '/session');
      forgetToken();
      return mapResult(result, () => null);
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
      return mapResult(result, (v) => v.permissions);
    },
    async withdrawPermission(permissionId) {
      const result = await call(
        NoContent,
        'DELETE',
        `/permissions/${encodeURIComponent(permissionId)}`,
      );
      return mapResult(result, () => null);
    },
    async listConcerns() {
      const result = await call(ConcernList, 'GET', '/concerns');
      return mapResult(result, (v) => v.concerns);
    },
    async raiseConcern(request) {
      const result = await call(ConcernRaised, 'POST', '/concerns', request);
      return mapResult(result, (v) => v.concern);
    },
    getSettings() {
      return call(NotificationSettings, 'GET', '/settings');
    },
    saveSettings(request) {
      return call(NotificationSettings, 'POST', '/settings', request);
    },
  };
}
