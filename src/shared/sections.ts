/** @module The sections a record view is grouped into, and where each item came from. */

export const SECTION_NAMES = [
  'medications',
  'allergies',
  'problems',
  'encounters',
  'investigations',
  'immunisations',
  'referrals',
  'documents',
  'carePlans',
  'socialCare',
] as const;

export type SectionName = (typeof SECTION_NAMES)[number];

/** Where one item came from. */
export interface Provenance {
  readonly sourceId: string;
  /** The source system's display name. */
  readonly system: string;
  /** ODS code of the organisation holding the item. */
  readonly organisation: string;
  /** ISO-8601 instant the source answered. */
  readonly retrievedAt: string;
}

/** Names one section item: its `source.sourceId` and its `resource.id`. */
export interface ItemRef {
  readonly sourceId: string;
  readonly id: string;
}

/** One FHIR R4 resource in a section, with its provenance. */
export interface RecordItem {
  readonly source: Provenance;
  readonly resource: fhir4.FhirResource;
  /** The same entry reported by other sources, kept in the section and marked `duplicateOf` this one. */
  readonly alsoFrom?: readonly ItemRef[];
  /** This entry repeats one another source reported first: the item to show instead. */
  readonly duplicateOf?: ItemRef;
}

export type Sections = { readonly [S in SectionName]: readonly RecordItem[] };
