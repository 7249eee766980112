/**
 * @module The record as it arrives over Server-Sent Events (docs/api.md, "Record stream"):
 * pure steps that turn `started`, `source`, `complete` and a failure into the record shown so
 * far, with each source waiting, answered (with counts) or not (with the reason). Each event is
 * checked against the contract (src/api/record.ts); one of another shape is not shown.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';
import { OperationOutcome } from '../api/errors.ts';
import {
  RecordCompleteEvent,
  RecordSourceEvent,
  RecordStartedEvent,
  SECTION_NAMES,
  type DuplicateMark,
  type RecordItem,
  type RecordView,
  type SourceSummary,
  type StreamSource,
} from '../api/record.ts';

/** A source still being asked. */
export type PendingSource = StreamSource;

/** The record shown so far. `record.sources` holds only the sources that have answered. */
export interface StreamingRecord {
  readonly record: RecordView;
  /** Sources asked that have not answered yet, in configured order. */
  readonly pending: readonly PendingSource[];
  readonly complete: boolean;
  /** Set when the stream stopped before `complete`: what the clinician is told. */
  readonly failure?: string;
}

const UNREADABLE = 'The record could not be read in full. Try again.';

/** The event's JSON, when it is of the contract's shape. */
function read<S extends TSchema>(schema: S, data: string | undefined): Static<S> | undefined {
  if (data === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
  return Value.Check(schema, body) ? body : undefined;
}

function emptySections(): RecordView['sections'] {
  return Object.fromEntries(
    SECTION_NAMES.map((name) => [name, []]),
  ) as unknown as RecordView['sections'];
}

/** The `started` event: the patient, the permission and every source as waiting. */
export function startStreamingRecord(data: string): StreamingRecord | undefined {
  const body = read(RecordStartedEvent, data);
  if (body === undefined) return undefined;
  return {
    record: {
      patient: body.patient,
      permission: body.permission,
      sources: [],
      sections: emptySections(),
      informationWithheld: false,
      hiddenSections: body.hiddenSections,
      reconciliation: [],
    },
    pending: body.sources,
    complete: false,
  };
}

function appendSections(
  sections: RecordView['sections'],
  added: RecordSourceEvent['sections'],
): RecordView['sections'] {
  const next = { ...sections };
  for (const name of SECTION_NAMES) {
    const items = added[name];
    if (items !== undefined && items.length > 0) next[name] = [...sections[name], ...items];
  }
  return next;
}

function withSource(sources: readonly SourceSummary[], summary: SourceSummary): SourceSummary[] {
  return [...sources.filter((source) => source.id !== summary.id), summary];
}

/** A `source` event: that source's summary replaces "waiting"; its items join the sections. */
export function applySourceEvent(state: StreamingRecord, data: string): StreamingRecord {
  const body = read(RecordSourceEvent, data);
  if (body === undefined) return applyStreamFailure(state, UNREADABLE);
  return {
    ...state,
    record: {
      ...state.record,
      sources: withSource(state.record.sources, body.source),
      sections: appendSections(state.record.sections, body.sections),
    },
    pending: state.pending.filter((source) => source.id !== body.source.id),
  };
}

/** The duplicate marks of `complete` set on the items already shown, as the JSON view sets them. */
function markDuplicates(
  sections: RecordView['sections'],
  marks: readonly DuplicateMark[],
): RecordView['sections'] {
  const next = { ...sections };
  for (const mark of marks) {
    next[mark.section] = next[mark.section].map((item): RecordItem => {
      const same = item.source.sourceId === mark.item.sourceId && item.resource.id === mark.item.id;
      if (!same) return item;
      return {
        ...item,
        ...(mark.alsoFrom === undefined ? {} : { alsoFrom: mark.alsoFrom }),
        ...(mark.duplicateOf === undefined ? {} : { duplicateOf: mark.duplicateOf }),
      };
    });
  }
  return next;
}

/**
 * The `complete` event: every source's final summary in configured order, the neutral
 * "some information is not shown" flag, the medicines reconciliation and the duplicate marks.
 */
export function applyCompleteEvent(state: StreamingRecord, data: string): StreamingRecord {
  const body = read(RecordCompleteEvent, data);
  if (body === undefined) return applyStreamFailure(state, UNREADABLE);
  return {
    ...state,
    record: {
      ...state.record,
      informationWithheld: body.informationWithheld,
      reconciliation: body.reconciliation,
      sections: markDuplicates(state.record.sections, body.duplicates),
      sources: body.sources.length > 0 ? body.sources : state.record.sources,
    },
    pending: [],
    complete: true,
  };
}

/** The stream stopped early: what was shown stays, the sources still waiting are reported missing. */
export function applyStreamFailure(state: StreamingRecord, message: string): StreamingRecord {
  if (state.complete) return state;
  return { ...state, failure: message };
}

/** The message of an `error` event's OperationOutcome, else a plain sentence. */
export function streamErrorMessage(data: string | undefined): string {
  const text = read(OperationOutcome, data)?.issue[0]?.details?.text;
  return text !== undefined && text.trim() !== ''
    ? text
    : 'The record view stopped before every system had answered.';
}
