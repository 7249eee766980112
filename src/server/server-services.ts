/** @module Everything the HTTP layer is given by the composition root (src/app.ts). Routes hold no business rules. */
import type { NhsLoginSignIn } from '../access/nhs-login/nhs-login-sign-in.ts';
import type { PatientSessions } from '../access/nhs-login/patient-sessions.ts';
import type { PatientSignIn } from '../access/nhs-login/patient-sign-in.ts';
import type { StaffSignIn } from '../access/sign-in.ts';
import type { createStaffSignOut } from '../access/sign-out.ts';
import type { OidcSignIn } from '../access/oidc/oidc-sign-in.ts';
import type { BearerTokens } from '../access/bearer-token.ts';
import type { PatientPortal } from '../patient/patient-portal.ts';
import type { Policy } from '../access/policy/policy.ts';
import type { RateLimitStore } from '../access/rate-limit-counters.ts';
import type { Sessions } from '../access/sessions.ts';
import type { SmartLaunch } from '../access/smart/smart-launch.ts';
import type { User } from '../access/user.ts';
import type { UserAccounts } from '../access/user-accounts.ts';
import type { AuditCheckpoints } from '../audit/audit-checkpoints.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { createReportPatientAccess } from '../audit/report-patient-access.ts';
import type { SearchAudit } from '../audit/search-audit.ts';
import type { AuditProofs } from '../audit/audit-proofs.ts';
import type { PrivacyAlerts } from '../audit/monitoring/privacy-alerts.ts';
import type { Config } from '../config/config-schema.ts';
import type { EmergencyReviews } from '../consent/emergency-reviews.ts';
import type { Permissions } from '../consent/permissions.ts';
import type { ReadConsents } from '../consent/read-consents.ts';
import type { PatientFinder } from '../identity/patient-finder.ts';
import type { RefusalAudit } from './refusal-audit.ts';
import type { createSearchPatients } from '../record/search-patients.ts';
import type { RecordViews } from '../record/record-view.ts';
import type { createListPrivacyAlerts } from '../audit/monitoring/list-privacy-alerts.ts';
import type { createReviewPrivacyAlert } from '../audit/monitoring/review-privacy-alert.ts';
import type { createEmergencyAccess } from '../consent/emergency-access.ts';
import type { createGrantPermission } from '../consent/grant-permission.ts';
import type { createRecordDissent } from '../consent/record-dissent.ts';
import type { createReviewEmergencyAccess } from '../consent/review-emergency-access.ts';
import type { createWithdrawDissent } from '../consent/withdraw-dissent.ts';
import type { createWithdrawPermission } from '../consent/withdraw-permission.ts';
import type { createRecordPrint } from '../record/record-print.ts';
import type { SourceHealth } from '../sources/resilience/with-resilience.ts';

/**
 * The audited actions that change state: each checks, refuses with an audit entry, and commits
 * its change together with its audit entry (routes only parse, call and serialise).
 */
export interface AuditedActions {
  readonly grantPermission: ReturnType<typeof createGrantPermission>;
  readonly emergencyAccess: ReturnType<typeof createEmergencyAccess>;
  readonly withdrawPermission: ReturnType<typeof createWithdrawPermission>;
  readonly recordDissent: ReturnType<typeof createRecordDissent>;
  readonly withdrawDissent: ReturnType<typeof createWithdrawDissent>;
  readonly reviewEmergencyAccess: ReturnType<typeof createReviewEmergencyAccess>;
  readonly reviewPrivacyAlert: ReturnType<typeof createReviewPrivacyAlert>;
  readonly listPrivacyAlerts: ReturnType<typeof createListPrivacyAlerts>;
  /** Printing the record: audited before the browser prints. */
  readonly recordPrint: ReturnType<typeof createRecordPrint>;
  /** Searches of the audit trail: a page, one entry, one entry's proof. */
  readonly searchAudit: SearchAudit;
  readonly reportPatientAccess: ReturnType<typeof createReportPatientAccess>;
  /** Permissions and dissents read as FHIR Consent. */
  readonly readConsents: ReadConsents;
  readonly searchPatients: ReturnType<typeof createSearchPatients>;
  /** Staff sign-in: password, OpenID Connect, SMART launch. */
  readonly signIn: StaffSignIn;
  readonly signOut: ReturnType<typeof createStaffSignOut>;
  /** Patients' sign-in through NHS login, and their sign-out. */
  readonly patientSignIn: PatientSignIn;
}

export interface ServerServices {
  /** Grant, withdraw, emergency access, dissent, reviews. */
  readonly actions: AuditedActions;
  readonly config: Config;
  readonly accounts: UserAccounts;
  readonly sessions: Sessions;
  readonly permissions: Permissions;
  readonly audit: AuditLog;
  /** Signed checkpoints of the audit trail. */
  readonly auditCheckpoints: AuditCheckpoints;
  /** Inclusion proofs of audit entries against the newest checkpoint. */
  readonly auditProofs: AuditProofs;
  readonly patients: PatientFinder;
  readonly recordViews: RecordViews;
  readonly mayViewRecords: (user: User) => boolean;
  readonly now: () => Date;
  readonly cookie: { readonly name: string; readonly secure: boolean };
  /** The built web UI (index.html and assets), when present. */
  readonly webRoot: string | undefined;
  /** Readiness: the database answers. */
  readonly checkDatabase: () => Promise<void>;
  /** True once a graceful shutdown has begun: readiness answers 503 and connections are not kept alive. */
  readonly draining?: (() => boolean) | undefined;
  /** Each source's breaker, bulkhead and recent calls (status page, /metrics). */
  readonly sourceHealth?: (() => readonly SourceHealth[]) | undefined;
  /** The access policy (policy file): role → sections and actions. */
  readonly policy: Policy;
  /** The emergency access review queue. */
  readonly emergencyReviews: EmergencyReviews;
  /** The privacy alert review queue (privacy-monitoring rules). */
  readonly privacyAlerts: PrivacyAlerts;
  /** Rate-limit counters (database-backed where shared): the `store` class for `@fastify/rate-limit`. */
  readonly rateLimitCounters: new (params: object) => RateLimitStore;
  /** The audit of refused requests, counted per address and minute. */
  readonly refusals: RefusalAudit;
  /** Sign-in through the configured OpenID Connect provider; undefined when none is configured. */
  readonly oidc?: OidcSignIn | undefined;
  /** SMART App Launch from the EHRs of `smart.ehrs`; undefined when none is configured. */
  readonly smart?: SmartLaunch | undefined;
  /** Bearer access tokens for the FHIR API (`fhirApi.issuers`); absent: the session cookie only. */
  readonly bearerTokens?: BearerTokens | undefined;
  /** Patient sign-in through NHS login; undefined when `nhsLogin` is not configured. */
  readonly nhsLogin?: NhsLoginSignIn | undefined;
  /** Patients' own sessions (never staff sessions). */
  readonly patientSessions?: PatientSessions | undefined;
  /** What a signed-in patient may do with their own record. */
  readonly patientPortal?: PatientPortal | undefined;
}
