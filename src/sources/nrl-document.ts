/**
 * @module Opening an NRL pointer: the pointer is read again from the NRL (never trusted from the
 * browser), checked to be the patient's, and its document fetched live from the custodian (through
 * the SSP for `ssp://` addresses) under a deadline and size cap; PDF passed as PDF, HTML sanitised
 * (no script, no handlers, no remote content). Held in memory only; answered as a value.
 */
import { randomUUID } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import type { SourceHttpOutcome, SourceHttpRequest } from '../http/http-outcome.ts';
import { subjectNhsNumber } from './nrl-client.ts';
import type { RequestingUser, SourceStatus } from './source-result.ts';

/** An opened document, ready to send. */
export interface OpenedDocument {
  readonly kind: 'document';
  readonly contentType: 'application/pdf' | 'text/html; charset=utf-8';
  readonly body: Buffer;
  /** The pointer as the NRL gave it, for the access policy to judge. */
  readonly pointer: fhir4.DocumentReference;
}

export type DocumentOutcome =
  | OpenedDocument
  | { readonly kind: 'failed'; readonly status: SourceStatus; readonly message: string };

export interface DocumentOpener {
  open(input: {
    readonly nhsNumber: string;
    readonly pointerId: string;
    readonly user: RequestingUser;
    readonly signal?: AbortSignal | undefined;
  }): Promise<DocumentOutcome>;
}

export function createDocumentOpener(deps: {
  readonly nrlUrl: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** `gpConnect.sspUrl`: where `ssp://` documents are fetched through. */
  readonly sspUrl?: string | undefined;
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
}): DocumentOpener {
  const nrl = deps.nrlUrl.replace(/\/+$/, '');
  const failed = (status: SourceStatus, message: string): DocumentOutcome => ({
    kind: 'failed',
    status,
    message,
  });

  /** `ssp://host/{encoded url}` → `{sspUrl}/{encoded url}`; http(s) as given. */
  const resolve = (url: string): string | undefined => {
    if (/^https?:\/\//i.test(url)) return url;
    const ssp = /^ssp:\/\/[^/]+\/(.+)$/i.exec(url)?.[1];
    if (ssp === undefined || deps.sspUrl === undefined) return undefined;
    return `${deps.sspUrl.replace(/\/+$/, '')}/${ssp}`;
  };

  return {
    async open({ nhsNumber, pointerId, user, signal }) {
      if (!/^[A-Za-z0-9.-]{1,128}$/.test(pointerId))
        return failed('patient-not-found', 'No such document pointer.');
      const deadline = performance.now() + deps.timeoutMs;
      const left = (): number => Math.max(0, Math.round(deadline - performance.now()));
      const read = await deps.fetchSource({
        method: 'GET',
        url: `${nrl}/DocumentReference/${encodeURIComponent(pointerId)}`,
        headers: {
          'NHSD-End-User-Organisation-ODS': user.organisation,
          'X-Request-ID': randomUUID(),
        },
        timeoutMs: left(),
        maxResponseBytes: 256 * 1024,
        acceptContentTypes: ['application/fhir+json', 'application/json'],
        signal,
      });
      if (read.kind !== 'response')
        return failed(read.kind === 'timed-out' ? 'timed-out' : 'unavailable', read.message);
      const pointer = read.json as fhir4.DocumentReference | undefined;
      if (
        read.status !== 200 ||
        pointer?.resourceType !== 'DocumentReference' ||
        subjectNhsNumber(pointer) !== nhsNumber
      ) {
        return failed(
          'patient-not-found',
          'The National Record Locator has no such pointer for this patient.',
        );
      }
      const attachment = pointer.content[0]?.attachment;
      const address = attachment?.url === undefined ? undefined : resolve(attachment.url);
      if (address === undefined)
        return failed(
          'error',
          'This pointer does not give an address the document can be fetched from.',
        );
      const fetched = await deps.fetchSource({
        method: 'GET',
        url: address,
        headers: { 'X-Request-ID': randomUUID() },
        timeoutMs: left(),
        maxResponseBytes: deps.maxResponseBytes,
        acceptContentTypes: ['application/pdf', 'text/html'],
        signal,
        raw: true,
      });
      if (fetched.kind !== 'response') {
        const status: SourceStatus =
          fetched.kind === 'timed-out' ||
          fetched.kind === 'too-large' ||
          fetched.kind === 'wrong-content-type'
            ? fetched.kind
            : 'unavailable';
        return failed(status, fetched.message);
      }
      if (fetched.status !== 200 || fetched.body === undefined)
        return failed(
          'unavailable',
          `The document's custodian did not send it (HTTP ${fetched.status}).`,
        );
      const mediaType = (fetched.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (mediaType === 'application/pdf') {
        if (fetched.body.subarray(0, 5).toString('latin1') !== '%PDF-')
          return failed('malformed', 'The custodian sent something that is not a PDF.');
        return { kind: 'document', contentType: 'application/pdf', body: fetched.body, pointer };
      }
      return {
        kind: 'document',
        contentType: 'text/html; charset=utf-8',
        body: Buffer.from(sanitiseDocument(fetched.body.toString('utf8')), 'utf8'),
        pointer,
      };
    },
  };
}

/** A custodian's HTML with nothing that runs or calls out: text, structure and tables only. */
export function sanitiseDocument(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'img'),
    allowedAttributes: { td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'] },
    allowedSchemes: [],
    disallowedTagsMode: 'discard',
  });
}
