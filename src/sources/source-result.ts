/** @module What a connector returns for one call to one source: a value, never a thrown error. */
import type { SourceConfig } from '../config/config-schema.ts';
import type { TracedPatient } from '../identity/traced-patient.ts';
import type { StructuredRecord } from './gp-connect/read-structured-record.ts';

/**
 * Every way one source call can end. Each has a plain-words message for the clinician
 * (see `describeStatus`) and is recorded in the audit trail.
 */
export type SourceStatus =
  | 'answered'
  | 'patient-not-found'
  | 'dissent'
  | 'access-denied'
  | 'demographics-mismatch'
  | 'timed-out'
  | 'too-large'
  | 'malformed'
  | 'wrong-content-type'
  | 'unavailable'
  | 'busy'
  | 'refused'
  | 'error'
  // Sources considered but not asked (record discovery), each with its reason:
  | 'not-known-to-index'
  | 'index-unavailable'
  | 'endpoint-not-found'
  | 'no-registered-practice';

/** A warning a source gave alongside data (GP Connect List warnings, disabled areas, …). */
export interface SourceWarning {
  /** e.g. `confidential-items`, `data-in-transit`, `data-awaiting-filing`, `area-disabled`, `unrecognised-parameter`, `items-dropped`. */
  readonly code: string;
  /** The clinical area it concerns, when known (a section name or a GP Connect parameter name). */
  readonly area?: string;
  /** Plain words for the clinician. Never clinical content. */
  readonly message: string;
}

/** What a source answered, in the format its protocol speaks. */
export type SourcePayload =
  | {
      readonly format: 'gp-connect-stu3';
      /** The structured record Bundle as the connector read it, once: this patient's items only. */
      readonly record: StructuredRecord;
    }
  | {
      readonly format: 'fhir-r4';
      /** The matched Patient first, then what the searches returned (not yet checked as this patient's). */
      readonly resources: readonly fhir4.FhirResource[];
      /**
       * Absolute names of the matched Patient in the source's answers (its `fullUrl`s, e.g.
       * `urn:uuid:…`, and `<base>/Patient/<id>`): a reference equal to one of these names it.
       */
      readonly patientAliases?: readonly string[];
      /**
       * `nhs-number`: an index (the National Record Locator) that holds no Patient resource and
       * names the patient on each item by NHS-number identifier only; each item must carry the
       * traced NHS number. Otherwise the matched Patient must come first.
       */
      readonly patientBy?: 'nhs-number';
    };

export interface SourceResult {
  readonly sourceId: string;
  readonly status: SourceStatus;
  readonly elapsedMs: number;
  /** Plain words, safe to show and to audit: no clinical content. */
  readonly message?: string;
  readonly httpStatus?: number;
  /** A protocol error code, e.g. the Spine code `NO_PATIENT_CONSENT`. */
  readonly errorCode?: string;
  readonly warnings: readonly SourceWarning[];
  /** Present only when status is `answered`. */
  readonly payload?: SourcePayload;
}

/** The signed-in professional on whose behalf a source is asked. */
export interface RequestingUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  /** ODS code of the user's own organisation. */
  readonly organisation: string;
  readonly sdsUserId?: string | undefined;
  readonly sdsRoleProfileId?: string | undefined;
}

export interface SourceRequest {
  readonly patient: TracedPatient;
  readonly user: RequestingUser;
  readonly requestId: string;
  /** The patient's identifier in this source's domain, from the patient index; else the NHS number is used. */
  readonly localIdentifier?: { readonly system: string; readonly value: string } | undefined;
  /** Aborts the call when the view is abandoned; the connector adds its own deadline. */
  readonly signal?: AbortSignal | undefined;
}

/** One protocol's client for one configured source. `fetchRecord` never throws. */
export interface Connector {
  readonly source: SourceConfig;
  fetchRecord(request: SourceRequest): Promise<SourceResult>;
}
