/**
 * @module A National Record Locator consumer API (FHIR R4) for the simulated region: pointers to
 * crisis and care documents for several personas, searched by `subject:identifier`, with the
 * headers the real API requires; it also serves the documents themselves, as their custodians
 * would, at the pointers' attachment URLs.
 */
import type { Fault, PreparedResponse } from './faults.ts';
import { issueCodeForStatus, r4Outcome } from './operation-outcome.ts';
import {
  createRequestStats,
  fhirResponse,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** One simulated pointer and the document behind it. */
interface SimPointer {
  readonly id: string;
  readonly nhsNumber: string;
  readonly type: { readonly code: string; readonly display: string };
  readonly custodian: string;
  readonly title: string;
  readonly contentType: 'application/pdf' | 'text/html';
  readonly created: string;
}

/** The personas with documents on the NRL. */
const POINTERS: readonly SimPointer[] = [
  {
    id: 'RYY02-eolc-0107',
    nhsNumber: '9990000107',
    type: { code: '861421000000109', display: 'End of life care coordination summary' },
    custodian: 'RYY02',
    title: 'End of life care coordination summary',
    contentType: 'text/html',
    created: '2026-10-14T11:20:00Z',
  },
  {
    id: 'RYY02-respect-0107',
    nhsNumber: '9990000107',
    type: { code: '1382601000000107', display: 'ReSPECT form' },
    custodian: 'RYY02',
    title: 'ReSPECT form',
    contentType: 'application/pdf',
    created: '2026-10-14T11:30:00Z',
  },
  {
    id: 'RXX01-mhcp-0247',
    nhsNumber: '9990000247',
    type: { code: '736253002', display: 'Mental health crisis plan' },
    custodian: 'RXX01',
    title: 'Mental health crisis plan',
    contentType: 'application/pdf',
    created: '2026-08-02T09:00:00Z',
  },
  {
    id: 'RXX01-ehcp-0522',
    nhsNumber: '9990000522',
    type: { code: '887701000000100', display: 'Emergency health care plan' },
    custodian: 'RXX01',
    title: 'Emergency health care plan',
    contentType: 'text/html',
    created: '2026-05-20T15:45:00Z',
  },
];

export interface NrlServerOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
}

export function startNrlServer(options: NrlServerOptions = {}): Promise<RunningSimServer> {
  function handle(request: SimRequest): PreparedResponse {
    const document = /^\/documents\/([A-Za-z0-9-]+)$/.exec(request.path)?.[1];
    if (document !== undefined) return documentResponse(document);
    const read = /^\/DocumentReference\/([A-Za-z0-9.-]+)$/.exec(request.path)?.[1];
    if (read !== undefined) {
      if (typeof request.headers['nhsd-end-user-organisation-ods'] !== 'string')
        return spineError(
          400,
          'PRECONDITION_FAILED',
          'Required header NHSD-End-User-Organisation-ODS is missing',
        );
      const pointer = POINTERS.find((candidate) => candidate.id === read);
      return pointer === undefined
        ? spineError(404, 'NO_RECORD_FOUND', `DocumentReference ${read} not found`)
        : fhirResponse(200, toDocumentReference(pointer, request.baseUrl));
    }
    if (request.path !== '/DocumentReference')
      return fhirResponse(404, r4Outcome('not-found', `Unknown path ${request.path}`));
    if (typeof request.headers['nhsd-end-user-organisation-ods'] !== 'string')
      return spineError(
        400,
        'PRECONDITION_FAILED',
        'Required header NHSD-End-User-Organisation-ODS is missing',
      );
    if (typeof request.headers['x-request-id'] !== 'string')
      return spineError(400, 'PRECONDITION_FAILED', 'Required header X-Request-ID is missing');
    const subject = request.query.get('subject:identifier') ?? '';
    const bar = subject.indexOf('|');
    if (bar < 0 || subject.slice(0, bar) !== NHS_NUMBER_SYSTEM)
      return spineError(400, 'INVALID_PARAMETER', 'subject:identifier is required');
    const nhsNumber = subject.slice(bar + 1);
    const found = POINTERS.filter((pointer) => pointer.nhsNumber === nhsNumber);
    return fhirResponse(200, {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [
        {
          relation: 'self',
          url: `${request.baseUrl}/DocumentReference?${request.query.toString()}`,
        },
      ],
      total: found.length,
      entry: found.map((pointer) => ({ resource: toDocumentReference(pointer, request.baseUrl) })),
    });
  }

  return startSimServer(
    {
      stats: createRequestStats(),
      handle,
      errorBody: (status, message) =>
        JSON.stringify(r4Outcome(issueCodeForStatus(status), message)),
    },
    options,
  );
}

function toDocumentReference(pointer: SimPointer, baseUrl: string): fhir4.DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: pointer.id,
    status: 'current',
    type: { coding: [{ system: 'http://snomed.info/sct', ...pointer.type }] },
    category: [
      { coding: [{ system: 'http://snomed.info/sct', code: '734163000', display: 'Care plan' }] },
    ],
    subject: { identifier: { system: NHS_NUMBER_SYSTEM, value: pointer.nhsNumber } },
    date: pointer.created,
    author: [{ identifier: { system: ODS_SYSTEM, value: pointer.custodian } }],
    custodian: { identifier: { system: ODS_SYSTEM, value: pointer.custodian } },
    content: [
      {
        attachment: {
          contentType: pointer.contentType,
          url: `${baseUrl}/documents/${pointer.id}`,
          title: pointer.title,
          creation: pointer.created,
        },
        format: {
          system: 'https://fhir.nhs.uk/England/CodeSystem/England-NRLFormatCode',
          code: 'urn:nhs-ic:unstructured',
          display: 'Unstructured document',
        },
      },
    ],
  };
}

/** The custodian's copy of a document: a small PDF, or HTML carrying a script that must never run. */
function documentResponse(id: string): PreparedResponse {
  const pointer = POINTERS.find((candidate) => candidate.id === id);
  if (pointer === undefined)
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
  if (pointer.contentType === 'text/html') {
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: `<!doctype html><html><head><title>${pointer.title}</title><script>document.title='pwned'</script></head><body><h1>${pointer.title}</h1><p onclick="alert(1)">Synthetic document for a simulated patient. Preferred place of care: home.</p><img src="https://tracker.invalid/x.png"></body></html>`,
    };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/pdf', 'cache-control': 'no-store' },
    body: minimalPdf(pointer.title),
  };
}

function minimalPdf(title: string): string {
  const text = `BT /F1 18 Tf 72 720 Td (${title.replace(/[()\\]/g, '')}) Tj ET`;
  return [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
    `4 0 obj << /Length ${text.length} >> stream`,
    text,
    'endstream endobj',
    '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ].join('\n');
}

function spineError(status: number, code: string, display: string): PreparedResponse {
  return fhirResponse(status, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: status === 403 ? 'forbidden' : 'value',
        details: {
          coding: [
            { system: 'https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode', code, display },
          ],
        },
      },
    ],
  });
}
