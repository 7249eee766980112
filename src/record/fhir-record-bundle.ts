/**
 * @module The aggregated record as FHIR R4 for other systems: the items of one record view, each
 * with `meta.source`, one Provenance per source for the items on the page, and one
 * OperationOutcome per source saying how it answered (as the clinician's source panel does).
 * Pure: built from a record view held in memory for one request, never stored.
 */
import type { PatientSummary } from '../identity/patient-summary.ts';
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import type { SourceSummary } from './assemble-record.ts';
import type { RecordView } from './record-view.ts';
import { SECTION_NAMES, type RecordItem } from '../shared/sections.ts';

/** The canonical base the project's own code systems and extensions are minted under by default. */
export const DEFAULT_CANONICAL_BASE = 'https://mycarerecord.nhs.uk/fhir/';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** The patient as FHIR R4, from the national trace. Its id is the NHS number. */
export function patientResource(summary: PatientSummary): fhir4.Patient {
  const gender = summary.gender;
  return {
    resourceType: 'Patient',
    id: summary.nhsNumber,
    meta: {
      source: 'urn:mcr:national-demographics',
      ...(summary.restricted
        ? {
            security: [
              { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
            ],
          }
        : {}),
    },
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: summary.nhsNumber }],
    name: [
      {
        family: summary.name.family,
        given: [...summary.name.given],
        ...(summary.name.prefix === undefined ? {} : { prefix: [summary.name.prefix] }),
      },
    ],
    ...(gender === 'male' || gender === 'female' || gender === 'other' || gender === 'unknown'
      ? { gender }
      : {}),
    ...(summary.birthDate === undefined ? {} : { birthDate: summary.birthDate }),
    ...(summary.deceasedDateTime === undefined
      ? {}
      : { deceasedDateTime: summary.deceasedDateTime }),
    // A restricted patient's address and GP are never shown (the national trace already drops them).
    ...(summary.address === undefined || summary.restricted
      ? {}
      : {
          address: [
            {
              line: [...summary.address.lines],
              ...(summary.address.postcode === undefined
                ? {}
                : { postalCode: summary.address.postcode }),
            },
          ],
        }),
  };
}

/** The view's items (optionally of one resource type), in section order then source order. */
export function recordItems(view: RecordView, resourceType?: string): RecordItem[] {
  return SECTION_NAMES.flatMap((name) => view.sections[name]).filter(
    (item) => resourceType === undefined || item.resource.resourceType === resourceType,
  );
}

/** An item as it leaves: `meta.source` naming its source, the project's addresses rebased. */
export function itemResource(item: RecordItem, canonicalBase: string): fhir4.FhirResource {
  const resource = rebase(item.resource, canonicalBase) as fhir4.FhirResource;
  return {
    ...resource,
    meta: { ...resource.meta, source: `urn:mcr:source:${item.source.sourceId}` },
  };
}

const ISSUE_CODE: Readonly<Record<SourceSummary['status'], fhir4.OperationOutcomeIssue['code']>> = {
  answered: 'informational',
  'patient-not-found': 'not-found',
  dissent: 'suppressed',
  'access-denied': 'forbidden',
  'demographics-mismatch': 'suppressed',
  'timed-out': 'timeout',
  'too-large': 'too-costly',
  malformed: 'structure',
  'wrong-content-type': 'structure',
  unavailable: 'transient',
  busy: 'transient',
  refused: 'forbidden',
  error: 'exception',
  'not-known-to-index': 'not-found',
  'index-unavailable': 'transient',
  'endpoint-not-found': 'not-found',
  'no-registered-practice': 'not-found',
};

/** How one source answered, with its warnings, as an OperationOutcome (an entry with `search.mode = outcome`). */
export function sourceOutcome(
  source: SourceSummary,
  index: number,
  canonicalBase: string,
): fhir4.OperationOutcome {
  const answered = source.status === 'answered';
  return {
    resourceType: 'OperationOutcome',
    id: `source-${index + 1}-outcome`,
    issue: [
      {
        severity: answered ? 'information' : 'warning',
        code: ISSUE_CODE[source.status],
        details: {
          coding: [{ system: `${canonicalBase}CodeSystem/source-status`, code: source.status }],
          text: source.message,
        },
        diagnostics: `${source.name} (${source.organisation}), urn:mcr:source:${source.id}`,
      },
      ...source.warnings.map((warning): fhir4.OperationOutcomeIssue => ({
        severity: 'warning',
        code: 'incomplete',
        details: {
          coding: [{ system: `${canonicalBase}CodeSystem/source-warning`, code: warning.code }],
          text: warning.message,
        },
        diagnostics: `${source.name} (${source.organisation})`,
      })),
    ],
  };
}

/** That something was withheld by policy or legal restriction (never what or how much). */
export function withheldOutcome(): fhir4.OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    id: 'information-withheld',
    issue: [
      {
        severity: 'information',
        code: 'suppressed',
        details: {
          text: 'Some information was withheld by policy or legal restriction. Do not conclude it does not exist.',
        },
      },
    ],
  };
}

/** Where the items on a page from one source came from, as a Provenance (undefined when none is on the page). */
export function sourceProvenance(
  source: SourceSummary,
  index: number,
  items: readonly RecordItem[],
): fhir4.Provenance | undefined {
  const targets = items
    .filter((item) => item.source.sourceId === source.id && item.resource.id !== undefined)
    .map((item) => ({ reference: `${item.resource.resourceType}/${item.resource.id ?? ''}` }));
  const first = items.find((item) => item.source.sourceId === source.id);
  if (targets.length === 0 || first === undefined) return undefined;
  return {
    resourceType: 'Provenance',
    id: `source-${index + 1}-provenance`,
    target: targets,
    recorded: first.source.retrievedAt,
    policy: [`urn:mcr:source:${source.id}`],
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'custodian',
            },
          ],
        },
        who: {
          identifier: { system: ODS_SYSTEM, value: source.organisation },
          display: source.name,
        },
      },
    ],
  };
}

/** Rewrites the project's own code system and extension addresses onto the configured base. */
function rebase(value: unknown, canonicalBase: string): unknown {
  if (canonicalBase === DEFAULT_CANONICAL_BASE) return value;
  if (Array.isArray(value)) return value.map((item) => rebase(item, canonicalBase));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      (key === 'system' || key === 'url') &&
      typeof field === 'string' &&
      field.startsWith(DEFAULT_CANONICAL_BASE)
        ? `${canonicalBase}${field.slice(DEFAULT_CANONICAL_BASE.length)}`
        : rebase(field, canonicalBase),
    ]),
  );
}
