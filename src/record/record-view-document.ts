/**
 * @module Opening a document from a source the record came from, once the view's gates have
 * passed (access, consent, audit start, trace), as one list of steps:
 * source → re-read (checked against the traced patient, as the record is) → policy → attachment →
 * audit → content. The DocumentReference is never taken from the browser: the source is asked
 * again and its answer judged like a record view's. Held in memory only.
 */
import type { AuditSourceCall } from '../audit/audit-event.ts';
import type { Sections } from '../shared/sections.ts';
import { documentContent } from '../sources/document-content.ts';
import type { OpenedDocument } from '../sources/nrl-document.ts';
import type { Connector, SourceStatus } from '../sources/source-result.ts';
import { assembleRecord } from './assemble-record.ts';
import type { PipelineInput } from './record-pipeline.ts';
import { callSafely } from '../sources/never-throws.ts';

/** The document could not be opened; `message` is plain words. */
export class DocumentUnavailable extends Error {
  override readonly name = 'DocumentUnavailable';
  readonly status: SourceStatus;
  constructor(status: SourceStatus, message: string) {
    super(message);
    this.status = status;
  }
}

/** An inline attachment larger than this is refused (base64 in a FHIR resource: a letter, not a scan archive). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** A view's pipeline input (its sources, gates passed, audit fields), and which document to open. */
export interface SourceDocumentInput extends Pick<
  PipelineInput,
  'deps' | 'considered' | 'traced' | 'started' | 'audit' | 'patientRestricted'
> {
  readonly request: PipelineInput['request'] & {
    readonly sourceId: string;
    readonly documentId: string;
  };
}

type Outcome =
  | OpenedDocument
  | { readonly kind: 'failed'; readonly status: SourceStatus; readonly message: string };

const NOT_FOUND = {
  kind: 'failed',
  status: 'patient-not-found',
  message: 'This source has no such document for this patient.',
} as const satisfies Outcome;

/**
 * Throws DocumentUnavailable (status `patient-not-found` when the source has no such document
 * for this patient, `access-denied` when the role may not see it) or the audit's error. Both the
 * source's entry and the end entry are in the audit trail before anything is returned.
 */
export async function openSourceDocument(input: SourceDocumentInput): Promise<OpenedDocument> {
  const { deps, request } = input;

  // source: only one this view would ask (never an address from the browser).
  const connector = input.considered.flatMap((candidate) =>
    candidate.kind === 'ask' && candidate.connector.source.id === request.sourceId
      ? [candidate.connector]
      : [],
  )[0];
  if (connector === undefined) {
    await auditEnd(input, undefined, 'failure');
    throw new DocumentUnavailable(NOT_FOUND.status, NOT_FOUND.message);
  }

  const started = performance.now();
  const outcome = await readDocument(input, connector);
  const opened = outcome.kind === 'document';
  const call: AuditSourceCall = {
    id: connector.source.id,
    status: opened ? 'answered' : outcome.status,
    elapsedMs: Math.round(performance.now() - started),
    counts: opened ? { documents: 1 } : {},
    warnings: [],
  };

  // audit: the call, then the end; no entry, no document.
  await deps.audit.append({
    ...input.audit,
    time: deps.now().toISOString(),
    action: 'record-view-source',
    outcome: opened ? 'success' : 'failure',
    source: call,
  });
  await auditEnd(input, call, opened ? 'success' : 'failure');
  if (outcome.kind !== 'document') throw new DocumentUnavailable(outcome.status, outcome.message);
  return outcome;
}

/** re-read → check → policy → attachment → content. */
async function readDocument(input: SourceDocumentInput, connector: Connector): Promise<Outcome> {
  const { deps, request } = input;
  // re-read: the source's record for the traced patient, checked as a view checks it.
  const result = await callSafely(connector, {
    patient: input.traced,
    user: request.user,
    requestId: request.requestId,
    signal: request.signal,
  });
  const record = assembleRecord({
    traced: input.traced,
    results: [result],
    sources: [connector.source],
    retrievedAt: deps.now(),
  });
  const summary = record.sources[0];
  if (summary === undefined || summary.status !== 'answered') {
    return {
      kind: 'failed',
      status: summary?.status ?? 'error',
      message: summary?.message ?? 'The source could not be read.',
    };
  }
  const isIt = (item: Sections['documents'][number]): boolean =>
    item.source.sourceId === connector.source.id &&
    item.resource.resourceType === 'DocumentReference' &&
    item.resource.id === request.documentId;
  if (!record.sections.documents.some(isIt)) return NOT_FOUND;

  // access: the role's policy judges it as it would in Documents (fail closed).
  const visible = deps.filter({ role: request.user.role, sections: record.sections });
  const item = visible.sections.documents.find(isIt);
  if (item === undefined)
    return {
      kind: 'failed',
      status: 'access-denied',
      message: 'Your role may not open this document.',
    };
  const reference = item.resource as unknown as fhir4.DocumentReference;

  // attachment: inline data only; an address elsewhere is never fetched on a source's word.
  // Read defensively: a source may send anything in `content`.
  const contents: unknown[] = Array.isArray(reference.content) ? reference.content : [];
  const attachment = contents
    .map((content) =>
      typeof content === 'object' && content !== null && 'attachment' in content
        ? (content.attachment as fhir4.Attachment | null | undefined)
        : undefined,
    )
    .find((candidate) => typeof candidate?.data === 'string' && candidate.data !== '');
  if (attachment?.data === undefined) {
    return {
      kind: 'failed',
      status: 'error',
      message: 'This document has no attachment this viewer can open.',
    };
  }
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(attachment.data))
    return {
      kind: 'failed',
      status: 'malformed',
      message: "The document's attachment is not base64.",
    };
  if ((attachment.data.length * 3) / 4 > MAX_DOCUMENT_BYTES)
    return {
      kind: 'failed',
      status: 'too-large',
      message: 'The document is too large to open here.',
    };
  const content = documentContent(attachment.contentType, Buffer.from(attachment.data, 'base64'));
  if (content.kind === 'refused')
    return { kind: 'failed', status: content.status, message: content.message };
  return {
    kind: 'document',
    contentType: content.contentType,
    body: content.body,
    pointer: reference,
  };
}

/** audit: the end of opening, with the source's call when one was made. */
async function auditEnd(
  input: SourceDocumentInput,
  call: AuditSourceCall | undefined,
  outcome: 'success' | 'failure',
): Promise<void> {
  await input.deps.audit.append({
    ...input.audit,
    time: input.deps.now().toISOString(),
    action: 'record-view-completed',
    outcome,
    sources: call === undefined ? [] : [call],
    withheld: {},
    elapsedMs: Math.round(performance.now() - input.started),
    patientRestricted: input.patientRestricted,
  });
}
