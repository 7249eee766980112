/**
 * @module The record as it arrives over Server-Sent Events (docs/api.md, "Record stream"):
 * pure steps that turn `started`, `source`, `complete` and a failure into the record shown so
 * far, with each source waiting, answered (with counts) or not (with the reason).
 */
import type { RecordEntry, RecordView, SourceSummary } from './api-types.ts';
import { SECTION_NAMES, type SectionName } from '../shared/sections.ts';

/** A source still being asked. */
export interface PendingSource {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
}

/** The record shown so far. `record.sources` holds only the sources that have answered. */
export interface StreamingRecord {
  readonly record: RecordView;
  /** Sources asked that have not answered yet, in configured order. */
  readonly pending: readonly PendingSource[];
  readonly complete: boolean;
  /** Set when the stream stopped before `complete`: what the clinician is told. */
  readonly failure?: string;
}

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSourceSummary(value: unknown): value is SourceSummary {
  return (
    isJson(value) &&
    typeof value['id'] === 'string' &&
    typeof value['name'] === 'string' &&
    typeof value['status'] === 'string'
  );
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** The `started` event: the patient, the permission and every source as waiting. */
export function startStreamingRecord(data: string): StreamingRecord | undefined {
  const body = parse(data);
  if (!isJson(body) || !isJson(body['permission']) || !Array.isArray(body['sources'])) {
    return undefined;
  }
  const pending = body['sources']
    .filter(isJson)
    .filter((source) => typeof source['id'] === 'string')
    .map((source) => ({
      id: String(source['id']),
      name: typeof source['name'] === 'string' ? source['name'] : String(source['id']),
      organisation: typeof source['organisation'] === 'string' ? source['organisation'] : '',
    }));
  return {
    record: {
      patient: body['patient'] as RecordView['patient'],
      permission: body['permission'] as unknown as RecordView['permission'],
      sources: [],
      sections: {},
    },
    pending,
    complete: false,
  };
}

function appendSections(sections: RecordView['sections'], added: unknown): RecordView['sections'] {
  if (!isJson(added)) return sections;
  const next: Partial<Record<SectionName, readonly RecordEntry[]>> = { ...sections };
  for (const name of SECTION_NAMES) {
    const items = added[name];
    if (!Array.isArray(items) || items.length === 0) continue;
    const valid = (items as unknown[]).filter(
      (item): item is RecordEntry =>
        isJson(item) && isJson(item['source']) && isJson(item['resource']),
    );
    next[name] = [...(sections[name] ?? []), ...valid];
  }
  return next;
}

function withSource(sources: readonly SourceSummary[], summary: SourceSummary): SourceSummary[] {
  return [...sources.filter((source) => source.id !== summary.id), summary];
}

/** A `source` event: that source's summary replaces "waiting"; its items join the sections. */
export function applySourceEvent(state: StreamingRecord, data: string): StreamingRecord {
  const body = parse(data);
  if (!isJson(body) || !isSourceSummary(body['source'])) return state;
  const summary = body['source'];
  return {
    ...state,
    record: {
      ...state.record,
      sources: withSource(state.record.sources, summary),
      sections: appendSections(state.record.sections, body['sections']),
    },
    pending: state.pending.filter((source) => source.id !== summary.id),
  };
}

/** The `complete` event: every source's final summary, in configured order. */
export function applyCompleteEvent(state: StreamingRecord, data: string): StreamingRecord {
  const body = parse(data);
  const sources =
    isJson(body) && Array.isArray(body['sources'])
      ? body['sources'].filter(isSourceSummary)
      : state.record.sources;
  const withheld =
    isJson(body) && body['informationWithheld'] === true ? { informationWithheld: true } : {};
  return {
    ...state,
    record: {
      ...state.record,
      ...withheld,
      sources: sources.length > 0 ? sources : state.record.sources,
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
  const body = data === undefined ? undefined : parse(data);
  const issues: unknown = isJson(body) ? body['issue'] : undefined;
  const issue: unknown = Array.isArray(issues) ? (issues as unknown[])[0] : undefined;
  const details = isJson(issue) && isJson(issue['details']) ? issue['details'] : undefined;
  const text = details?.['text'];
  return typeof text === 'string' && text.trim() !== ''
    ? text
    : 'The record view stopped before every system had answered.';
}
