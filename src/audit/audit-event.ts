/**
 * @module The audit event: what may be written to the audit trail, as TypeBox schemas with
 * the TypeScript types derived from them. Only ids, codes, counts, statuses and times fit:
 * every string is pattern- or length-bounded, every object is closed (no extra properties),
 * and there is no free-form payload field, so clinical content has nowhere to go.
 */
import {
  Type,
  type Static,
  type TInteger,
  type TLiteral,
  type TOptional,
  type TSchema,
} from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AuditAction } from '../shared/audit-actions.ts';
import { SECTION_NAMES, type SectionName } from '../shared/sections.ts';
import type { SourceStatus } from '../sources/source-result.ts';

const closed = { additionalProperties: false } as const;

/** A machine code: letters, digits and `_ . : -`, no spaces, at most 80 characters. */
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$' });
/** An identifier (uuid, ODS code, source id, request id): no spaces, at most 128 characters. */
const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@/+=-]{0,127}$' });
/** Ten digits; the Modulus 11 check belongs to input validation, not to the audit. */
const NhsNumber = Type.String({ pattern: '^[0-9]{10}$' });
/** An ISO-8601 UTC instant as `Date#toISOString()` writes it. */
const Instant = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
});
/** A sign-in name: printable, no whitespace or control characters. */
const Username = Type.String({ pattern: '^[^\\x00-\\x20\\x7F]{1,128}$' });
/** A person's name as held on their account (not from a source): one line, bounded. */
const PersonName = Type.String({ pattern: '^[^\\x00-\\x1F\\x7F]{0,200}$' });
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
/** An http(s) URL with no whitespace, at most 300 characters (e.g. a SMART launch's `iss`). */
const Url = Type.String({ pattern: '^https?://[^\\x00-\\x20\\x7F]{1,292}$' });

const OUTCOMES = ['success', 'denied', 'failure'] as const;
/** How an audited action ended. */
export type AuditOutcome = (typeof OUTCOMES)[number];
const Outcome = Type.Union(OUTCOMES.map((o) => Type.Literal(o)));

// A Record over SourceStatus makes the compiler insist this list stays complete and exact.
const SOURCE_STATUS_SET: Record<SourceStatus, true> = {
  answered: true,
  'patient-not-found': true,
  dissent: true,
  'access-denied': true,
  'demographics-mismatch': true,
  'timed-out': true,
  'too-large': true,
  malformed: true,
  'wrong-content-type': true,
  unavailable: true,
  busy: true,
  refused: true,
  error: true,
  'not-known-to-index': true,
  'index-unavailable': true,
  'endpoint-not-found': true,
  'no-registered-practice': true,
};
const SourceStatusSchema = Type.Union(
  (Object.keys(SOURCE_STATUS_SET) as SourceStatus[]).map((s): TLiteral<SourceStatus> =>
    Type.Literal(s),
  ),
);

/** Item counts per record section (only sections that have a count need appear). */
const SectionCounts = Type.Object(
  Object.fromEntries(SECTION_NAMES.map((name) => [name, Type.Optional(Count)])) as {
    [S in SectionName]: TOptional<TInteger>;
  },
  closed,
);
export type SectionCounts = Static<typeof SectionCounts>;

/** The signed-in professional, as they were at the time of the event (GP Connect audit duty). */
const Actor = Type.Object(
  {
    userId: Id,
    username: Username,
    displayName: Type.Optional(PersonName),
    role: Code,
    /** ODS code of the user's organisation. */
    organisation: Id,
    sdsUserId: Type.Optional(Id),
    sdsRoleProfileId: Type.Optional(Id),
  },
  closed,
);
export type AuditActor = Static<typeof Actor>;

/**
 * A patient signed in through NHS login, acting on their own record: their NHS number and the
 * identity proofing level they signed in at. Their NHS login subject is not audited.
 */
const PatientActor = Type.Object(
  {
    type: Type.Literal('patient'),
    nhsNumber: NhsNumber,
    proofingLevel: Type.Union([Type.Literal('P0'), Type.Literal('P5'), Type.Literal('P9')]),
  },
  closed,
);
export type AuditPatientActor = Static<typeof PatientActor>;

/** The device the request came from. */
const Client = Type.Object(
  {
    address: Type.String({ pattern: '^[0-9A-Za-z:.%_-]{1,64}$' }),
    userAgent: Type.Optional(Type.String({ pattern: '^[^\\x00-\\x1F\\x7F]{0,512}$' })),
    /** The calling system when the request carried a bearer token: its issuer and OAuth client. */
    apiClient: Type.Optional(
      Type.Object(
        {
          issuer: Type.String({ pattern: '^https?://[^\\s]{1,200}$' }),
          clientId: Type.String({ pattern: '^[A-Za-z0-9._:@/-]{1,128}$' }),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type AuditClient = Static<typeof Client>;

/** The legal basis a record view relied on; the permission row holds any free-text reason. */
const Basis = Type.Object(
  { permissionId: Id, basis: Type.Union([Type.Literal('consent'), Type.Literal('emergency')]) },
  closed,
);
export type AuditBasis = Static<typeof Basis>;

/** What one source call ended as: statuses, codes and counts only, never what it returned. */
const SourceCall = Type.Object(
  {
    id: Id,
    status: SourceStatusSchema,
    elapsedMs: Count,
    counts: SectionCounts,
    httpStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    /** A protocol error code, e.g. the Spine code `NO_PATIENT_CONSENT`. */
    errorCode: Type.Optional(Code),
    /** Warning codes, e.g. `confidential-items`, `area-disabled`. */
    warnings: Type.Array(Code, { maxItems: 100 }),
    /** Items the source sent that were left out as not this patient's (see patient-ownership). */
    dropped: Type.Optional(Count),
  },
  closed,
);
export type AuditSourceCall = Static<typeof SourceCall>;

/** The user an administrative action was about. */
const Subject = Type.Object(
  { userId: Id, username: Username, role: Code, organisation: Id },
  closed,
);

const common = {
  /** When the audited thing happened (ISO-8601 UTC). */
  time: Instant,
  requestId: Id,
  client: Type.Optional(Client),
};

/** A professional's action on one patient's record: who acted, how it ended, whose record. */
const ProfessionalOnRecord = { actor: Actor, outcome: Outcome, nhsNumber: NhsNumber };
/** A patient's action on their own record (the NHS number is also the actor's). */
const PatientOnOwnRecord = { actor: PatientActor, outcome: Outcome, nhsNumber: NhsNumber };

function event<A extends string, P extends Record<string, TSchema>>(action: A, props: P) {
  return Type.Object({ action: Type.Literal(action), ...common, ...props }, closed);
}

const SignIn = event('sign-in', {
  actor: Actor,
  outcome: Type.Literal('success'),
  method: Type.Union([Type.Literal('password'), Type.Literal('oidc'), Type.Literal('smart')]),
  /** SMART launch: the EHR's FHIR base URL (`iss`). */
  issuer: Type.Optional(Url),
  /** SMART launch: the patient in the EHR's context, whose record the session opens on. */
  nhsNumber: Type.Optional(NhsNumber),
});
const SignInFailed = event('sign-in-failed', {
  actor: Type.Null(),
  /** What was typed as the user name; pass it through `auditableUsername`. */
  attemptedUsername: Username,
  outcome: Type.Union([Type.Literal('denied'), Type.Literal('failure')]),
  method: Type.Union([Type.Literal('password'), Type.Literal('oidc'), Type.Literal('smart')]),
  /** e.g. `bad-credentials`, `locked`, `disabled`. */
  reasonCode: Code,
  /** SMART launch: the `iss` the launch named (configured or not). */
  issuer: Type.Optional(Url),
});
const SignOut = event('sign-out', { actor: Actor, outcome: Outcome });
const SessionExpired = event('session-expired', { actor: Actor, outcome: Outcome });
const PatientSearch = event('patient-search', {
  actor: Actor,
  outcome: Outcome,
  /** How the user searched; the demographic criteria themselves are not kept. */
  searchType: Type.Union([Type.Literal('nhs-number'), Type.Literal('demographics')]),
  /** The NHS number searched for, when the search was by NHS number. */
  nhsNumber: Type.Optional(NhsNumber),
  resultCount: Count,
  /** The NHS numbers found (BALP: every patient a query disclosed). */
  matchedNhsNumbers: Type.Array(NhsNumber, { maxItems: 100 }),
});
const PermissionGranted = event('permission-granted', {
  ...ProfessionalOnRecord,
  permissionId: Id,
  basis: Type.Union([Type.Literal('consent'), Type.Literal('emergency')]),
  method: Type.Union([
    Type.Literal('verbal'),
    Type.Literal('written'),
    Type.Literal('not-applicable'),
  ]),
  scope: Type.Union([Type.Literal('user'), Type.Literal('organisation')]),
  expiresAt: Instant,
});
const PermissionWithdrawn = event('permission-withdrawn', {
  ...ProfessionalOnRecord,
  permissionId: Id,
  reasonCode: Type.Optional(Code),
});
const EmergencyAccess = event('emergency-access', {
  ...ProfessionalOnRecord,
  /** The permission row holds the clinician's typed reason; only its id is audited. */
  permissionId: Id,
  reasonCode: Type.Optional(Code),
});
const EmergencyAccessReviewed = event('emergency-access-reviewed', {
  ...ProfessionalOnRecord,
  permissionId: Id,
  /** e.g. `appropriate`, `inappropriate`, `referred`. */
  reviewOutcome: Code,
});
const RecordViewStarted = event('record-view-started', {
  ...ProfessionalOnRecord,
  basis: Basis,
  /**
   * The patient is on the local dissent register and the emergency basis overrode it (policy
   * `emergencyOverridesDissent: true`). Absent when there was no dissent to override.
   */
  dissentOverridden: Type.Optional(Type.Literal(true)),
});
const RecordViewCompleted = event('record-view-completed', {
  ...ProfessionalOnRecord,
  basis: Basis,
  sources: Type.Array(SourceCall, { maxItems: 200 }),
  /** Items removed by role policy or legal restriction, per section. */
  withheld: SectionCounts,
  /** Which kinds of restricted information were withheld (category codes, never the items). */
  withheldCategories: Type.Optional(Type.Array(Code, { maxItems: 20 })),
  elapsedMs: Count,
  /**
   * The patient carries the PDS restricted (R) label: a demographics label, not clinical content,
   * for privacy monitoring. Absent when the patient was not traced.
   */
  patientRestricted: Type.Optional(Type.Boolean()),
});
/**
 * One source's outcome within a streamed record view, appended before that source's items are
 * sent (no audit entry, no data); the view's `record-view-completed` entry still follows.
 */
const RecordViewSource = event('record-view-source', {
  ...ProfessionalOnRecord,
  basis: Basis,
  source: SourceCall,
});
/**
 * The professional printed the record or its summary (the print is marked "not for storage");
 * written before the browser is let print, under the same permission as a view.
 */
const RecordPrinted = event('record-printed', {
  ...ProfessionalOnRecord,
  basis: Basis,
  /** `record`: the whole record as shown; `summary`: the summary only. */
  scope: Type.Union([Type.Literal('record'), Type.Literal('summary')]),
});
const AccessDenied = event('access-denied', {
  actor: Type.Union([Actor, Type.Null()]),
  outcome: Type.Literal('denied'),
  nhsNumber: Type.Optional(NhsNumber),
  /** What was attempted, e.g. `record-view`, `fhir-read`, `audit-search`. */
  attempted: Code,
  /** Why it was refused, e.g. `no-permission`, `permission-expired`, `role-not-allowed`, `dissent`. */
  reasonCode: Code,
  /**
   * How many refusals this entry stands for, when refusals are counted per address and minute
   * (unauthenticated requests, bad CSRF tokens: src/server/refusal-audit.ts). Absent: one.
   */
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  /** With `count` over one: the last refusal counted (`time` is the start of its minute). */
  until: Type.Optional(Instant),
});
const DissentRecorded = event('dissent-recorded', { ...ProfessionalOnRecord, dissentId: Id });
const DissentRevoked = event('dissent-revoked', { ...ProfessionalOnRecord, dissentId: Id });
const UserCreated = event('user-created', { actor: Actor, outcome: Outcome, subject: Subject });
const UserDisabled = event('user-disabled', { actor: Actor, outcome: Outcome, subject: Subject });
const AuditSearched = event('audit-searched', {
  actor: Actor,
  outcome: Outcome,
  /** The patient whose accesses were looked up, when the search named one. */
  nhsNumber: Type.Optional(NhsNumber),
  resultCount: Count,
});

const PrivacyAlertReviewed = event('privacy-alert-reviewed', {
  actor: Actor,
  outcome: Outcome,
  /** The alert in the privacy alert queue (its note stays in that table). */
  alertId: Id,
  /** The rule that raised it, e.g. `out-of-hours`. */
  rule: Code,
  nhsNumber: Type.Optional(NhsNumber),
  /** `appropriate` or `needs-follow-up`. */
  reviewOutcome: Code,
});

const PatientSignIn = event('patient-sign-in', {
  actor: PatientActor,
  outcome: Type.Literal('success'),
  method: Type.Literal('nhs-login'),
  nhsNumber: NhsNumber,
});
const PatientSignInFailed = event('patient-sign-in-failed', {
  actor: Type.Null(),
  outcome: Type.Union([Type.Literal('denied'), Type.Literal('failure')]),
  method: Type.Literal('nhs-login'),
  /** e.g. `proofing-level-too-low`, `no-nhs-number`, `response-invalid`. */
  reasonCode: Code,
});
const PatientSignOut = event('patient-sign-out', PatientOnOwnRecord);
/** The patient read their own access history (or checked one line of it: `entrySeq`). */
const PatientAccessHistoryViewed = event('patient-access-history-viewed', {
  ...PatientOnOwnRecord,
  resultCount: Count,
  entrySeq: Type.Optional(Type.Integer({ minimum: 1 })),
});
/** The patient objected to sharing through My Care Record (the local dissent register). */
const PatientObjectionRecorded = event('patient-objection-recorded', {
  ...PatientOnOwnRecord,
  dissentId: Id,
});
const PatientObjectionWithdrawn = event('patient-objection-withdrawn', {
  ...PatientOnOwnRecord,
  dissentId: Id,
});
/** The patient withdrew a permission a professional had recorded for their record. */
const PatientPermissionWithdrawn = event('patient-permission-withdrawn', {
  ...PatientOnOwnRecord,
  permissionId: Id,
});
/** The patient raised a concern about one audit entry; it is in the privacy review queue as `alertId`. */
const PatientConcernRaised = event('patient-concern-raised', {
  ...PatientOnOwnRecord,
  concernId: Id,
  alertId: Id,
  /** The audit entry the concern is about. */
  entrySeq: Type.Integer({ minimum: 1 }),
  reasonCode: Code,
});
/** The patient changed their notification choices (whether an address is kept, never the address). */
const PatientSettingsChanged = event('patient-settings-changed', {
  ...PatientOnOwnRecord,
  emailKept: Type.Boolean(),
  notifyEmergency: Type.Boolean(),
  notifyNewOrganisation: Type.Boolean(),
});
/** A patient's request refused (e.g. a CSRF failure, or a line of someone else's record). */
const PatientAccessDenied = event('patient-access-denied', {
  actor: PatientActor,
  outcome: Type.Literal('denied'),
  nhsNumber: NhsNumber,
  attempted: Code,
  reasonCode: Code,
});

const EVENT_SCHEMAS = {
  'sign-in': SignIn,
  'sign-in-failed': SignInFailed,
  'sign-out': SignOut,
  'session-expired': SessionExpired,
  'patient-search': PatientSearch,
  'permission-granted': PermissionGranted,
  'permission-withdrawn': PermissionWithdrawn,
  'emergency-access': EmergencyAccess,
  'emergency-access-reviewed': EmergencyAccessReviewed,
  'record-view-started': RecordViewStarted,
  'record-view-completed': RecordViewCompleted,
  'record-view-source': RecordViewSource,
  'record-printed': RecordPrinted,
  'access-denied': AccessDenied,
  'dissent-recorded': DissentRecorded,
  'dissent-revoked': DissentRevoked,
  'user-created': UserCreated,
  'user-disabled': UserDisabled,
  'audit-searched': AuditSearched,
  'privacy-alert-reviewed': PrivacyAlertReviewed,
  'patient-sign-in': PatientSignIn,
  'patient-sign-in-failed': PatientSignInFailed,
  'patient-sign-out': PatientSignOut,
  'patient-access-history-viewed': PatientAccessHistoryViewed,
  'patient-objection-recorded': PatientObjectionRecorded,
  'patient-objection-withdrawn': PatientObjectionWithdrawn,
  'patient-permission-withdrawn': PatientPermissionWithdrawn,
  'patient-concern-raised': PatientConcernRaised,
  'patient-settings-changed': PatientSettingsChanged,
  'patient-access-denied': PatientAccessDenied,
} as const satisfies Record<AuditAction, TSchema>;

export { AUDIT_ACTIONS, type AuditAction } from '../shared/audit-actions.ts';

/** The schema of any audit event (a union discriminated by `action`). */
export const AuditEventSchema = Type.Union(Object.values(EVENT_SCHEMAS));

/** One audit event, discriminated by `action`. */
export type AuditEvent = { [A in AuditAction]: Static<(typeof EVENT_SCHEMAS)[A]> }[AuditAction];
/** The audit event for one action. */
export type AuditEventOf<A extends AuditAction> = Extract<AuditEvent, { action: A }>;

/** One entry as stored and hashed: the event wrapped with its place in the chain (see chain-hash.ts). */
export interface AuditEntry {
  readonly v: 1;
  readonly seq: number;
  readonly recordedAt: string;
  readonly event: AuditEvent;
}

const compiled = new Map(
  (Object.entries(EVENT_SCHEMAS) as [AuditAction, TSchema][]).map(([action, schema]) => [
    action,
    TypeCompiler.Compile(schema),
  ]),
);

/** The result of checking a value against the audit event schema. */
export type AuditEventCheck = { ok: true; event: AuditEvent } | { ok: false; errors: string[] };

/**
 * Checks at run time that a value is exactly an audit event: known action, every field
 * valid, no property the schema does not name (so nothing can be smuggled in).
 */
export function checkAuditEvent(value: unknown): AuditEventCheck {
  if (
    typeof value !== 'object' ||
    value === null ||
    !('action' in value) ||
    typeof value.action !== 'string'
  ) {
    return { ok: false, errors: ['/action: an audit event needs an action'] };
  }
  const checker = compiled.get(value.action as AuditAction);
  if (checker === undefined)
    return { ok: false, errors: [`/action: unknown action ${JSON.stringify(value.action)}`] };
  if (checker.Check(value)) return { ok: true, event: value as AuditEvent };
  const errors = [...checker.Errors(value)]
    .slice(0, 10)
    .map((e) => `${e.path === '' ? '/' : e.path}: ${e.message}`);
  return { ok: false, errors };
}

/**
 * Makes whatever was typed into a sign-in form safe to audit as `attemptedUsername`:
 * control characters and whitespace removed, cut to 64 characters, `(empty)` when nothing is left.
 */
export function auditableUsername(typed: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = Array.from(typed.replace(/[\x00-\x20\x7F\s]/g, ''))
    .slice(0, 64)
    .join('');
  return cleaned === '' ? '(empty)' : cleaned;
}
