/**
 * @module The federated record: `GET /api/patients/{nhsNumber}/record` and its stream of
 * Server-Sent Events, `GET /api/patients/{nhsNumber}/record/stream` (events: `started`, `source`
 * per source, `complete`, or `error`). The envelope is typed exactly; each item's FHIR resource
 * is an object with a `resourceType`, passed through as the source sent it (after the policy filter).
 */
import {
  Type,
  type Static,
  type TArray,
  type TInteger,
  type TOptional,
  type TSchema,
} from '@sinclair/typebox';
import { OneOf } from './common.ts';
import { OperationOutcome } from './errors.ts';
import { PatientSummary } from './patients.ts';
import { Permission } from './permissions.ts';
import { SECTION_NAMES, type SectionName } from '../shared/sections.ts';

/** The sections a record view is grouped into, in the order they are shown (one list, in src/shared). */
export { SECTION_NAMES, type SectionName } from '../shared/sections.ts';

/** Every way one source call can end (src/sources/source-result.ts has the meaning of each). */
export const SOURCE_STATUSES = [
  'answered',
  'patient-not-found',
  'dissent',
  'access-denied',
  'demographics-mismatch',
  'timed-out',
  'too-large',
  'malformed',
  'wrong-content-type',
  'unavailable',
  'busy',
  'refused',
  'error',
  'not-known-to-index',
  'index-unavailable',
  'endpoint-not-found',
  'no-registered-practice',
] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

export const SourceStatusSchema = OneOf(SOURCE_STATUSES);

/** Where one item came from. */
export const Provenance = Type.Object({
  sourceId: Type.String(),
  /** The source system's display name. */
  system: Type.String(),
  /** ODS code of the organisation holding the item. */
  organisation: Type.String(),
  /** ISO-8601 instant the source answered. */
  retrievedAt: Type.String(),
});
export type Provenance = Static<typeof Provenance>;

/** A FHIR R4 resource as JSON: read every field defensively, sources send partial and unexpected resources. */
export type FhirResourceJson = {
  readonly resourceType: string;
  readonly id?: string;
  readonly [field: string]: unknown;
};
export const FhirResource = Type.Unsafe<FhirResourceJson>(
  Type.Object(
    { resourceType: Type.String(), id: Type.Optional(Type.String()) },
    { additionalProperties: true, description: 'A FHIR R4 resource, as the source sent it.' },
  ),
);

/** Names one section item: its `source.sourceId` and its `resource.id`. */
export const ItemRef = Type.Object({ sourceId: Type.String(), id: Type.String() });
export type ItemRef = Static<typeof ItemRef>;

/** One FHIR resource in a section, with its provenance and how it relates to copies from other sources. */
export const RecordItem = Type.Object({
  source: Provenance,
  resource: FhirResource,
  /** The same entry reported by other sources, kept in the section and marked `duplicateOf` this one. */
  alsoFrom: Type.Optional(Type.Array(ItemRef)),
  /** This entry repeats one another source reported first: the item to show instead. */
  duplicateOf: Type.Optional(ItemRef),
});
export type RecordItem = Static<typeof RecordItem>;

/** Items per section. */
export const SectionCounts = Type.Object(
  Object.fromEntries(SECTION_NAMES.map((name) => [name, Type.Optional(Type.Integer())])) as {
    [S in SectionName]: TOptional<TInteger>;
  },
);
export type SectionCounts = Static<typeof SectionCounts>;

/** A warning a source gave alongside data (confidential items, data in transit, items dropped, …). */
export const SourceWarning = Type.Object({
  code: Type.String(),
  /** The clinical area it concerns, when known. */
  area: Type.Optional(Type.String()),
  /** Plain words for the clinician. */
  message: Type.String(),
});
export type SourceWarning = Static<typeof SourceWarning>;

/** How one source answered this record view. */
export const SourceSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organisation: Type.String(),
  status: SourceStatusSchema,
  elapsedMs: Type.Number(),
  /** Plain words for the clinician about the status. */
  message: Type.String(),
  errorCode: Type.Optional(Type.String()),
  counts: SectionCounts,
  warnings: Type.Array(SourceWarning),
  /** Items left out as not this patient's; the warnings say why. */
  dropped: Type.Optional(Type.Integer()),
});
export type SourceSummary = Static<typeof SourceSummary>;

export const RECONCILIATION_STATUSES = [
  'unchanged',
  'changed',
  'gp-only',
  'source-only',
  'same-class',
] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** A medication item a reconciliation line is about: which item, and whether it is on the GP list. */
export const ReconciledItem = Type.Object({
  sourceId: Type.String(),
  id: Type.String(),
  /** True for the GP's entries; false for the other source's (hospital discharge, community). */
  gp: Type.Boolean(),
});
export type ReconciledItem = Static<typeof ReconciledItem>;

/** One line of the medicines set against the GP's list. */
export const ReconciliationLine = Type.Object({
  status: OneOf(RECONCILIATION_STATUSES),
  /** The medication items the line is about, the GP's first. */
  items: Type.Array(ReconciledItem),
  /** The therapeutic class's id, for `same-class` lines. */
  class: Type.Optional(Type.String()),
  note: Type.String(),
});
export type ReconciliationLine = Static<typeof ReconciliationLine>;

/** The permission the view was shown under. */
export const ViewPermission = Type.Pick(Permission, ['id', 'basis', 'expiresAt']);
export type ViewPermission = Static<typeof ViewPermission>;

/** One array of `items` per section. */
const sectionsOf = <T extends TSchema>(items: T) =>
  Type.Object(
    Object.fromEntries(SECTION_NAMES.map((name) => [name, Type.Array(items)])) as {
      [S in SectionName]: TArray<T>;
    },
  );

export const Sections = sectionsOf(RecordItem);
export type Sections = Static<typeof Sections>;

/** What `GET /api/patients/{nhsNumber}/record` answers. */
export const RecordView = Type.Object({
  patient: PatientSummary,
  permission: ViewPermission,
  sources: Type.Array(SourceSummary),
  /** Set by the access policy when something was left out; never a count. */
  informationWithheld: Type.Boolean(),
  /**
   * The sections the user's role may not see (from the access policy), so an empty section is
   * told apart from one not available to the role. Never what was withheld as restricted.
   */
  hiddenSections: Type.Array(OneOf(SECTION_NAMES)),
  reconciliation: Type.Array(ReconciliationLine),
  sections: Sections,
});
export type RecordView = Static<typeof RecordView>;

/** A source the view will ask, as the stream's `started` event names it. */
export const StreamSource = Type.Pick(SourceSummary, ['id', 'name', 'organisation']);
export type StreamSource = Static<typeof StreamSource>;

/** The stream's first event: who, under which permission, and which sources are being asked. */
export const RecordStartedEvent = Type.Object({
  patient: PatientSummary,
  permission: ViewPermission,
  sources: Type.Array(StreamSource),
  /** As the JSON view's `hiddenSections`: the sections the user's role may not see. */
  hiddenSections: Type.Array(OneOf(SECTION_NAMES)),
});
export type RecordStartedEvent = Static<typeof RecordStartedEvent>;

/**
 * One source finished: its summary and the items it contributed, by section (empty sections left
 * out). Items carry no duplicate marks yet: those come with `complete`.
 */
export const RecordSourceEvent = Type.Object({
  source: SourceSummary,
  sections: Type.Partial(sectionsOf(RecordItem)),
});
export type RecordSourceEvent = Static<typeof RecordSourceEvent>;

/** A duplicate mark on an item already sent: the `alsoFrom` / `duplicateOf` the JSON view sets on it. */
export const DuplicateMark = Type.Object({
  section: OneOf(SECTION_NAMES),
  item: ItemRef,
  alsoFrom: Type.Optional(Type.Array(ItemRef)),
  duplicateOf: Type.Optional(ItemRef),
});
export type DuplicateMark = Static<typeof DuplicateMark>;

/**
 * The last event: every source's summary, the neutral "some information is not shown" flag, the
 * medicines reconciliation and the duplicate marks, as the JSON view has them.
 */
export const RecordCompleteEvent = Type.Object({
  sources: Type.Array(SourceSummary),
  elapsedMs: Type.Number(),
  informationWithheld: Type.Boolean(),
  reconciliation: Type.Array(ReconciliationLine),
  duplicates: Type.Array(DuplicateMark),
});
export type RecordCompleteEvent = Static<typeof RecordCompleteEvent>;

/** The stream stopped after it was accepted: an `error` event carries an OperationOutcome. */
export const RecordErrorEvent = OperationOutcome;

/** Each event of the record stream by its `event:` name. */
export const RECORD_STREAM_EVENTS = {
  started: RecordStartedEvent,
  source: RecordSourceEvent,
  complete: RecordCompleteEvent,
  error: RecordErrorEvent,
} as const;

/**
 * The stream's 200 answer as a route schema: `text/event-stream`, never serialised as JSON.
 * Each event's `data:` line is the JSON of one of these shapes, chosen by its `event:` name.
 */
export const RecordStreamBody = {
  description:
    "Server-Sent Events: `started`, one `source` per source as it finishes, then `complete` (or `error`). Each event's `data` is the JSON of the shape for its name.",
  content: {
    'text/event-stream': {
      // Typed `unknown` for the route: the server sends a stream, not a value.
      schema: Type.Unsafe<unknown>(
        Type.Union([RecordStartedEvent, RecordSourceEvent, RecordCompleteEvent, RecordErrorEvent], {
          description: 'The `data` of a `started`, `source`, `complete` or `error` event.',
        }),
      ),
    },
  },
} as const;
