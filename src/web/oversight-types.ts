/**
 * @module The shapes of the JSON API the privacy officers' and administrators' pages speak:
 * audit search and proofs, the patient access report, the review queues, sources' status
 * (docs/api.md). Audit events are left `unknown`: audit-display.ts reads them defensively.
 */

/** A signed Merkle tree head over the first `treeSize` audit entries. */
export interface CheckpointJson {
  readonly treeSize: number;
  /** Lowercase hex. */
  readonly rootHash: string;
  readonly timestamp: string;
  readonly keyId: string;
  /** Base64 Ed25519 signature. */
  readonly signature: string;
}

/** One audit entry as `GET /api/audit` lists it. */
export interface AuditEntryJson {
  readonly seq: number;
  readonly recordedAt: string;
  readonly hash: string;
  readonly prevHash: string;
  /** The audited event: ids, codes, counts and times only. */
  readonly event: unknown;
}

/** The filters `GET /api/audit` understands (empty ones are left out). */
export interface AuditSearchQuery {
  readonly nhsNumber?: string;
  readonly userId?: string;
  readonly action?: string;
  /** ISO-8601 date or instant. */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  /** Only entries older than this one (paging). */
  readonly beforeSeq?: number;
}

/** One page of audit search results, newest first. */
export interface AuditSearchPage {
  readonly entries: readonly AuditEntryJson[];
  /** Present when older entries may exist: pass it back as `beforeSeq`. */
  readonly nextBeforeSeq?: number;
  readonly latestCheckpoint?: CheckpointJson;
}

/** `GET /api/audit/{seq}/proof`: an entry's inclusion proof against the newest checkpoint. */
export interface EntryProofJson {
  readonly seq: number;
  readonly leafIndex: number;
  /** The entry's stored canonical JSON: exactly the bytes the leaf hash covers. */
  readonly entry: string;
  /** Hex SHA-256(0x00 || entry). */
  readonly leafHash: string;
  /** Hex sibling hashes, nearest the leaf first. */
  readonly proof: readonly string[];
  readonly checkpoint: CheckpointJson;
  /** Whether the server checked the proof itself. */
  readonly verified: boolean;
  /** The checkpoint signing key (SPKI PEM). */
  readonly publicKey: string;
}

/** One access in a patient access report. */
export interface AccessJson {
  readonly seq: number;
  readonly time: string;
  readonly requestId: string;
  /** `record-view` or `denied`. */
  readonly kind: string;
  readonly user: {
    readonly userId: string;
    readonly name: string;
    readonly role: string;
    readonly organisation: string;
  };
  readonly basis?: string;
  readonly permissionId?: string;
  /** `success`, `denied`, `failure` or `incomplete`. */
  readonly outcome: string;
  readonly reasonCode?: string;
}

/** `GET /api/patients/{nhsNumber}/access-report`. */
export interface AccessReportJson {
  readonly nhsNumber: string;
  readonly generatedAt: string;
  readonly from?: string;
  readonly to?: string;
  /** Newest first. */
  readonly accesses: readonly AccessJson[];
  /** Oldest first; days without accesses left out. */
  readonly perDay: readonly { readonly date: string; readonly count: number }[];
  readonly truncated: boolean;
}

/** What a privacy officer concluded. */
export type ReviewOutcome = 'appropriate' | 'needs-follow-up';

/** One emergency access and its review. */
export interface EmergencyReviewJson {
  readonly permissionId: string;
  readonly nhsNumber: string;
  readonly reasonCode?: string;
  readonly reason?: string;
  readonly userId: string;
  readonly organisation: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly withdrawnAt?: string;
  readonly live: boolean;
  readonly status: 'open' | 'reviewed';
  readonly outcome?: string;
  readonly note?: string;
  readonly reviewedBy?: string;
  readonly reviewedAt?: string;
}

/** One alert raised by a privacy-monitoring rule. */
export interface PrivacyAlertJson {
  readonly id: string;
  readonly rule: string;
  /** The audit entry that raised it. */
  readonly seq: number;
  readonly userId: string;
  readonly nhsNumber?: string;
  readonly occurredAt: string;
  readonly detail: string;
  readonly createdAt: string;
  readonly status: 'open' | 'reviewed';
  readonly outcome?: string;
  readonly note?: string;
  readonly reviewedBy?: string;
  readonly reviewedAt?: string;
}

/** One source system's health as `GET /api/sources/status` reports it. */
export interface SourceHealthJson {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly kind: string;
  readonly timeoutMs: number;
  readonly breaker: {
    readonly state: 'closed' | 'open' | 'half-open';
    readonly consecutiveFailures: number;
    readonly failureThreshold: number;
    readonly coolDownMs: number;
    readonly retryInMs?: number;
    readonly probing?: boolean;
  };
  readonly bulkhead: {
    readonly inFlight: number;
    readonly queued: number;
    readonly maxConcurrent: number;
    readonly maxQueued: number;
  };
  readonly recent: {
    readonly windowSeconds: number;
    readonly calls: number;
    readonly notAsked: number;
    readonly p50Ms: number | null;
    readonly p95Ms: number | null;
    readonly errorRate: number | null;
    readonly lastStatus: string | null;
  };
}

/** `GET /api/sources/status`. */
export interface SourcesStatusJson {
  readonly time: string;
  readonly sources: readonly SourceHealthJson[];
}
