/**
 * @module The audit trail for auditors: `GET /api/audit` (search), `GET /api/audit/{seq}/proof`
 * (inclusion proof against the newest signed checkpoint) and
 * `GET /api/patients/{nhsNumber}/access-report` (who accessed one patient's record).
 */
import { Type, type Static } from '@sinclair/typebox';
import { InstantQuery } from './common.ts';

/** The name of every audited action (the `action` of an entry, and of an audit search). */
export { AUDIT_ACTIONS, isAuditAction, type AuditAction } from '../shared/audit-actions.ts';

/** A signed Merkle tree head over the first `treeSize` audit entries. */
export const Checkpoint = Type.Object({
  treeSize: Type.Integer(),
  /** Lowercase hex. */
  rootHash: Type.String(),
  timestamp: Type.String(),
  keyId: Type.String(),
  /** Base64 Ed25519 signature. */
  signature: Type.String(),
});
export type Checkpoint = Static<typeof Checkpoint>;

/**
 * An audited event: ids, codes, counts and times only, never clinical content. Its fields vary
 * by `action` (src/audit/audit-event.ts checks each before it is written); read them defensively.
 */
export const AuditEvent = Type.Unsafe<{
  readonly action: string;
  readonly time: string;
  readonly outcome: string;
  readonly [field: string]: unknown;
}>(
  Type.Object(
    { action: Type.String(), time: Type.String(), outcome: Type.String() },
    { additionalProperties: true },
  ),
);
export type AuditEvent = Static<typeof AuditEvent>;

/** One audit entry as `GET /api/audit` lists it. */
export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  recordedAt: Type.String(),
  hash: Type.String(),
  prevHash: Type.String(),
  event: AuditEvent,
});
export type AuditEntry = Static<typeof AuditEntry>;

/** The filters `GET /api/audit` understands. */
export const AuditSearchQuery = Type.Object(
  {
    nhsNumber: Type.Optional(Type.String({ maxLength: 20 })),
    userId: Type.Optional(Type.String({ maxLength: 128 })),
    /** The actor's sign-in name (case-insensitive) or user id. */
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    action: Type.Optional(Type.String({ maxLength: 40 })),
    organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,10}$' })),
    outcome: Type.Optional(
      Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]),
    ),
    /** ISO-8601 date or instant. */
    from: Type.Optional(InstantQuery),
    to: Type.Optional(InstantQuery),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    /** Only entries older than this one (paging). */
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

/** One page of audit search results, newest first. */
export const AuditSearchPage = Type.Object({
  entries: Type.Array(AuditEntry),
  /** Present when older entries may exist: pass it back as `beforeSeq`. */
  nextBeforeSeq: Type.Optional(Type.Integer()),
  latestCheckpoint: Type.Optional(Checkpoint),
});
export type AuditSearchPage = Static<typeof AuditSearchPage>;

/** An entry's inclusion proof against the newest checkpoint (also the patient's own proof). */
export const EntryProof = Type.Object({
  seq: Type.Integer(),
  leafIndex: Type.Integer(),
  /** The entry's stored canonical JSON: exactly the bytes the leaf hash covers. */
  entry: Type.String(),
  /** Hex SHA-256(0x00 || entry). */
  leafHash: Type.String(),
  /** Hex sibling hashes, nearest the leaf first. */
  proof: Type.Array(Type.String()),
  checkpoint: Checkpoint,
  /** Whether the server checked the proof itself. */
  verified: Type.Boolean(),
  /** The checkpoint signing key (SPKI PEM). */
  publicKey: Type.String(),
});
export type EntryProof = Static<typeof EntryProof>;

/** One access in a patient access report. */
export const Access = Type.Object({
  seq: Type.Integer(),
  time: Type.String(),
  requestId: Type.String(),
  kind: Type.Union([
    Type.Literal('record-view'),
    Type.Literal('record-print'),
    Type.Literal('denied'),
  ]),
  /** For a print: the whole record or the summary. */
  scope: Type.Optional(Type.Union([Type.Literal('record'), Type.Literal('summary')])),
  user: Type.Object({
    userId: Type.String(),
    name: Type.String(),
    role: Type.String(),
    organisation: Type.String(),
  }),
  basis: Type.Optional(Type.String()),
  permissionId: Type.Optional(Type.String()),
  outcome: Type.Union([
    Type.Literal('success'),
    Type.Literal('denied'),
    Type.Literal('failure'),
    Type.Literal('incomplete'),
  ]),
  reasonCode: Type.Optional(Type.String()),
});
export type Access = Static<typeof Access>;

/** The query of `GET /api/patients/{nhsNumber}/access-report`. */
export const AccessReportQuery = Type.Object(
  { from: Type.Optional(InstantQuery), to: Type.Optional(InstantQuery) },
  { additionalProperties: false },
);

/** `GET /api/patients/{nhsNumber}/access-report`. */
export const AccessReport = Type.Object({
  nhsNumber: Type.String(),
  generatedAt: Type.String(),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  /** Newest first. */
  accesses: Type.Array(Access),
  /** Oldest first; days without accesses left out. */
  perDay: Type.Array(Type.Object({ date: Type.String(), count: Type.Integer() })),
  /** True when the trail held more than the report could list. */
  truncated: Type.Boolean(),
});
export type AccessReport = Static<typeof AccessReport>;
