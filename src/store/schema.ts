/**
 * @module The database tables, as Kysely types. Nothing clinical is ever stored:
 * accounts, sessions, permissions, dissents, emergency reviews and audit entries only.
 * Times are ISO-8601 UTC strings (`Date#toISOString()`), which sort correctly as text
 * on both SQLite and PostgreSQL.
 */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  organisation: string;
  /** scrypt$N$r$p$salt$hash, or null for accounts that sign in only through OIDC. */
  password_hash: string | null;
  sds_user_id: string | null;
  sds_role_profile_id: string | null;
  /** 1 for the demo accounts that `npm start` creates (refused under NODE_ENV=production). */
  is_demo: number;
  disabled: number;
  created_at: string;
}

/**
 * The users columns for sign-in through an OpenID Connect provider (migration 0003), apart from
 * `UsersTable` so that `UserRow`, which a `User` is built from, is unchanged. Null for local accounts.
 */
export interface UserOidcColumns {
  /** The provider's issuer URL. */
  oidc_issuer: ColumnType<string | null, string | null | undefined, string | null>;
  /** The person's `sub` at that provider; unique with `oidc_issuer`. */
  oidc_subject: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry. */
  expires_at: string;
  /** A SMART-launched session: the NHS number of the patient in the EHR's context, opened first. */
  launch_nhs_number: string | null;
}

/**
 * Failed sign-ins from one address for the usernames in one slot (a hash of the username into a
 * small fixed range, see src/access/user-accounts.ts): bounded per address, nothing per username.
 */
export interface LoginFailuresTable {
  /** The client address (IPv6 by its prefix), as the rate limits count it. */
  address: string;
  slot: number;
  failures: number;
  first_failure_at: string;
  locked_until: string | null;
}

export interface PermissionsTable {
  id: string;
  nhs_number: string;
  /** `consent` or `emergency`. */
  basis: string;
  /** `verbal` or `written` (consent); `not-applicable` for emergency. */
  method: string;
  /** `patient` or a description of the person with authority. */
  given_by: string;
  reason_code: string | null;
  /** Free text reason, required for emergency. Not clinical content from a source. */
  reason: string | null;
  /** `user` or `organisation`. */
  scope: string;
  user_id: string;
  organisation: string;
  created_at: string;
  expires_at: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
}

export interface DissentsTable {
  id: string;
  nhs_number: string;
  recorded_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface EmergencyReviewsTable {
  permission_id: string;
  outcome: string | null;
  note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface AuditEntriesTable {
  /** Gapless sequence number, starting at 1. */
  seq: number;
  recorded_at: string;
  /** Canonical JSON (RFC 8785) of the entry. Ids, counts and statuses only. */
  entry: string;
  /** Hex SHA-256 of the previous entry's hash and this entry's canonical JSON. */
  hash: string;
  prev_hash: string;
}

/**
 * The audit entry's search columns (migration 0013): the event's NHS number, the actor's user id,
 * username and organisation, the action and the outcome, each as the entry's JSON holds it (null
 * where it holds none; src/store/audit-entry-fields.ts). Outside the hash chain: `mcr audit
 * verify` checks them against the JSON. Optional on insert (a row written without them is a
 * `column-mismatch`), apart from `AuditEntriesTable` so that its row shape is unchanged.
 */
export interface AuditSearchColumns {
  nhs_number: ColumnType<string | null, string | null | undefined, string | null>;
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  username: ColumnType<string | null, string | null | undefined, string | null>;
  action: ColumnType<string | null, string | null | undefined, string | null>;
  organisation: ColumnType<string | null, string | null | undefined, string | null>;
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditCheckpointsTable {
  /** How many entries the signed tree head covers (entries 1..tree_size). */
  tree_size: number;
  /** Lowercase hex RFC 6962 Merkle tree head over those entries. */
  root_hash: string;
  /** When the checkpoint was signed (ISO-8601 UTC). */
  created_at: string;
  /** Which signing key: hex prefix of SHA-256 of its public key. */
  key_id: string;
  /** Base64 Ed25519 signature over the checkpoint statement (see src/audit/checkpoint-signer.ts). */
  signature: string;
  /** JSON array of hex perfect-subtree heads: the writer's cache, never trusted by verification. */
  frontier: string;
}

/**
 * One tile of the audit trail's Merkle tree (src/audit/merkle-tiles.ts): hashes only, derived from
 * the entries and rebuilt from them when behind.
 */
export interface AuditTilesTable {
  /** Tree height 8·level: 0 holds leaf hashes, 1 the heads of level 0's full tiles, … */
  level: number;
  /** Which tile of its level, from 0 (the leftmost). */
  tile_index: number;
  /** How many hashes it holds: 256 when full (never changed again), fewer on the right edge. */
  width: number;
  /** The hashes, 32 bytes each, leftmost first. */
  hashes: Uint8Array;
}

/** One rate-limit counter, shared by every server instance (src/access/rate-limit-counters.ts). */
export interface RateLimitCountersTable {
  /** What is limited, e.g. `sign-in:203.0.113.7` or `sign-in:all`. */
  key: string;
  hits: number;
  /** The current window's length (it doubles under backoff). */
  window_ms: number;
  /** When the count starts again (milliseconds since 1970). */
  resets_at_ms: number;
}

/** A sign-in started at an OpenID Connect provider, kept until the browser comes back (single use). */
export interface OidcLoginsTable {
  /** SHA-256 of the handle in the browser's cookie. */
  id: string;
  state: string;
  nonce: string;
  /** PKCE S256 verifier. */
  code_verifier: string;
  created_at: string;
  expires_at: string;
}

/** One SMART App Launch in progress at an EHR's authorisation server. */
export interface SmartLaunchesTable {
  /** SHA-256 of the handle in the browser's cookie. */
  id: string;
  /** The EHR's FHIR base URL, as configured in `smart.ehrs[].iss`. */
  iss: string;
  state: string;
  nonce: string;
  /** PKCE S256 verifier. */
  code_verifier: string;
  created_at: string;
  expires_at: string;
}

/** One alert raised by a privacy-monitoring rule (src/audit/monitoring), awaiting or after review. */
export interface PrivacyAlertsTable {
  id: string;
  /** The rule that raised it, e.g. `out-of-hours`, `view-spike`. */
  rule: string;
  /** The audit entry that triggered it. */
  seq: number;
  /** The user whose action triggered it. */
  user_id: string;
  nhs_number: string | null;
  /** When the triggering action happened (the audit event's time). */
  occurred_at: string;
  /** Why the rule fired, built from codes and counts only (e.g. `31 patients in 60 minutes`). */
  detail: string;
  created_at: string;
  /** `open` or `reviewed`. */
  status: string;
  /** `appropriate` or `needs-follow-up`. */
  outcome: string | null;
  /** The reviewer's note (typed by the privacy officer; not from a source). */
  note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

/** Where the privacy monitor has got to in the audit trail (one row per monitor, `name` = `privacy`). */
export interface PrivacyMonitorStateTable {
  name: string;
  last_seq: number;
  updated_at: string;
}

/** A session of a patient signed in through NHS login (never a staff session). */
export interface PatientSessionsTable {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  id: string;
  nhs_number: string;
  /** The person's `sub` at NHS login. */
  subject: string;
  /** `identity_proofing_level` at sign-in, e.g. `P9`. */
  proofing_level: string;
  /** NHS login's verified `email`, held only while the session lives, so the patient can choose to keep it. */
  email: string | null;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A patient's notification choices; `email` only when they agreed we keep it. */
export interface PatientSettingsTable {
  nhs_number: string;
  email: string | null;
  notify_emergency: number;
  notify_new_organisation: number;
  updated_at: string;
}

/** A concern a patient raised about one audit entry; its review is the linked privacy alert. */
export interface PatientConcernsTable {
  id: string;
  nhs_number: string;
  seq: number;
  alert_id: string;
  /** e.g. `do-not-know-organisation`, `did-not-give-permission`. */
  reason_code: string;
  created_at: string;
}

/** One notification to a patient, queued in the transaction of the audit entry that caused it. */
export interface NotificationsTable {
  id: string;
  nhs_number: string;
  /** `emergency-access` or `new-organisation`. */
  kind: string;
  /** `email` or `webhook`. */
  channel: string;
  /** The audit entry that caused it. */
  seq: number;
  /** ODS code of the organisation that accessed the record. */
  organisation: string;
  occurred_at: string;
  /** `pending`, `sent`, `failed` (gave up) or `cancelled` (the patient turned it off or withdrew the address). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** Why the last attempt failed, as a code. */
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

/** Which organisations have opened a patient's record (first access by a new one is told). */
export interface PatientOrganisationsSeenTable {
  nhs_number: string;
  organisation: string;
  first_seq: number;
}

export interface DatabaseSchema {
  users: UsersTable & UserOidcColumns;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  rate_limit_counters: RateLimitCountersTable;
  permissions: PermissionsTable;
  dissents: DissentsTable;
  emergency_reviews: EmergencyReviewsTable;
  audit_entries: AuditEntriesTable & AuditSearchColumns;
  audit_checkpoints: AuditCheckpointsTable;
  audit_tiles: AuditTilesTable;
  oidc_logins: OidcLoginsTable;
  smart_launches: SmartLaunchesTable;
  privacy_alerts: PrivacyAlertsTable;
  privacy_monitor_state: PrivacyMonitorStateTable;
  patient_sessions: PatientSessionsTable;
  patient_settings: PatientSettingsTable;
  patient_concerns: PatientConcernsTable;
  notifications: NotificationsTable;
  patient_organisations_seen: PatientOrganisationsSeenTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type PermissionRow = Selectable<PermissionsTable>;
export type NewPermissionRow = Insertable<PermissionsTable>;
export type PermissionUpdate = Updateable<PermissionsTable>;
export type AuditEntryRow = Selectable<AuditEntriesTable>;
