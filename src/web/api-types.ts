/** @module The shapes of the JSON API the clinicians' UI speaks (same origin, cookie session). */
import type { SourceStatus } from '../sources/source-result.ts';
import type { SectionName } from '../shared/sections.ts';

/** The signed-in professional. */
export interface SessionUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  /** The role's name on screen, e.g. "Privacy officer". */
  readonly roleName?: string;
  readonly organisation: string;
  /**
   * The policy actions the role may take (`view-record`, `search-audit`, …), when the server
   * sends them; else navigation.ts assumes the default policy's.
   */
  readonly actions?: readonly string[];
}

/** What sign-in and `GET /api/session` answer. */
export interface Session {
  readonly user: SessionUser;
  readonly csrfToken: string;
  /** A session started from an EHR (SMART launch): the patient in the EHR's context, opened first. */
  readonly launch?: { readonly nhsNumber: string };
}

/** A patient as the search and record endpoints describe them. */
export interface PatientSummary {
  readonly nhsNumber: string;
  readonly nhsNumberFormatted?: string;
  readonly name: {
    readonly prefix?: string | readonly string[];
    readonly given?: readonly string[];
    readonly family?: string;
  };
  readonly birthDate?: string;
  readonly age?: string;
  readonly gender?: string;
  readonly address?: { readonly lines: readonly string[]; readonly postcode?: string };
  readonly registeredGp?: { readonly odsCode: string; readonly name?: string };
  readonly restricted: boolean;
  readonly deceasedDateTime?: string;
}

/** Search by demographics; empty fields are left out of the query. */
export interface DemographicsQuery {
  readonly family: string;
  readonly given: string;
  readonly birthdate: string;
  readonly gender: string;
  readonly postcode: string;
}

export type PermissionBasis = 'consent' | 'emergency';
export type PermissionMethod = 'verbal' | 'written';
export type EmergencyReasonCode =
  'patient-unconscious' | 'lacks-capacity' | 'life-threatening' | 'other';

/** A recorded permission (or emergency basis) to view one patient's record. */
export interface Permission {
  readonly id: string;
  readonly basis: PermissionBasis;
  readonly method: PermissionMethod;
  readonly givenBy: string;
  readonly reason?: string;
  readonly reasonCode?: string;
  readonly scope: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly withdrawnAt?: string;
  readonly recordedBy: { readonly username: string; readonly displayName: string };
  readonly live: boolean;
}

/** The body of `POST /api/patients/{nhsNumber}/permissions`. */
export interface PermissionRequest {
  readonly basis: PermissionBasis;
  readonly method: PermissionMethod;
  readonly givenBy: string;
  readonly reason?: string;
  readonly reasonCode?: EmergencyReasonCode;
  readonly durationHours?: number;
}

/** The server's own list of source statuses: the UI must describe every one (the compiler checks). */
export type { SourceStatus };

/** How one source answered this record view. */
export interface SourceSummary {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly status: SourceStatus;
  readonly elapsedMs: number;
  readonly message?: string;
  readonly counts?: Partial<Record<SectionName, number>>;
  readonly warnings?: readonly {
    readonly code: string;
    readonly area?: string;
    readonly message: string;
  }[];
  /** Items left out as not this patient's; the warnings say why. */
  readonly dropped?: number;
}

/** Where one item came from. */
export interface ItemSource {
  readonly sourceId: string;
  readonly system: string;
  readonly organisation: string;
  readonly retrievedAt: string;
}

/**
 * A FHIR R4 resource as JSON. Kept loose on purpose: the UI reads every field defensively,
 * because sources send partial and unexpected resources.
 */
export interface FhirResourceJson {
  readonly resourceType: string;
  readonly id?: string;
  readonly [field: string]: unknown;
}

/** One FHIR R4 resource in a section, with its provenance. */
export interface RecordEntry {
  readonly source: ItemSource;
  readonly resource: FhirResourceJson;
}

/** What `GET /api/patients/{nhsNumber}/record` answers. */
export interface RecordView {
  readonly patient: PatientSummary;
  readonly permission: {
    readonly id: string;
    readonly basis: PermissionBasis;
    readonly expiresAt: string;
  };
  readonly sources: readonly SourceSummary[];
  readonly sections: Partial<Record<SectionName, readonly RecordEntry[]>>;
  readonly withheld?: boolean;
  /** Set by the access policy when something was left out; never a count. */
  readonly informationWithheld?: boolean;
}

/** A FHIR OperationOutcome as the API sends errors. */
export interface OperationOutcome {
  readonly resourceType: 'OperationOutcome';
  readonly issue: readonly {
    readonly severity?: string;
    readonly code?: string;
    readonly details?: {
      readonly coding?: readonly { readonly system?: string; readonly code?: string }[];
      readonly text?: string;
    };
    readonly diagnostics?: string;
  }[];
}
