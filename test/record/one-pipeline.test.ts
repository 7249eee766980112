/**
 * One record pipeline: a clinician who opens a record as a page (JSON) and one who watches it
 * arrive source by source (the stream) leave the same trail in the audit, and read the same
 * record, with the same reconciliation and the same duplicates shown once. Against the real
 * simulated sources, the real server and the real audit trail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import type { User } from '../../src/access/user.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

interface Ref {
  sourceId: string;
  id: string;
}
interface Item {
  source: { sourceId: string };
  resource: { id?: string };
  alsoFrom?: Ref[];
  duplicateOf?: Ref;
}
interface JsonView {
  sources: { id: string; status: string; counts: Record<string, number> }[];
  sections: Record<string, Item[]>;
  informationWithheld: boolean;
  reconciliation: unknown[];
}
interface Complete {
  sources: JsonView['sources'];
  informationWithheld: boolean;
  reconciliation: unknown[];
  duplicates: { section: string; item: Ref; alsoFrom?: Ref[]; duplicateOf?: Ref }[];
}

let system: RunningSystem;
let clinician: ApiClient;
let user: User;

before(async () => {
  system = await startSystem();
  const account = await system.createUser('hospital-clinician');
  clinician = system.client();
  const signIn = await clinician.signIn(account.username, account.password);
  assert.equal(signIn.status, 200, signIn.text);
  const found = await system.app.services.accounts.findByUsername(account.username);
  assert.ok(found !== undefined);
  user = found;
});
after(async () => {
  await system.close();
});

async function withPermission(nhsNumber: string): Promise<void> {
  const granted = await clinician.post(`/api/patients/${nhsNumber}/permissions`, {
    basis: 'consent',
    method: 'verbal',
    givenBy: 'patient',
  });
  assert.equal(granted.status, 201, granted.text);
}

/** The audit entries one request wrote, oldest first. */
async function entriesOf(requestId: string): Promise<AuditEvent[]> {
  const records = await system.app.services.audit.list({
    userId: user.id,
    limit: 200,
    newestFirst: true,
  });
  return records
    .filter((record) => record.entry.event.requestId === requestId)
    .sort((a, b) => a.seq - b.seq)
    .map((record) => record.entry.event);
}

/** The request id the server gave the latest record view started by this user. */
async function latestViewRequest(): Promise<string> {
  const [started] = await system.app.services.audit.list({
    userId: user.id,
    action: 'record-view-started',
    limit: 1,
    newestFirst: true,
  });
  assert.ok(started !== undefined, 'the view started in the audit trail');
  return started.entry.event.requestId;
}

/** What an entry says, without what differs from one request to the next (time, ids, timings). */
function comparable(event: AuditEvent): unknown {
  return JSON.parse(
    JSON.stringify(event, (key, value: unknown) =>
      ['time', 'requestId', 'elapsedMs', 'client'].includes(key) ? undefined : value,
    ),
  ) as unknown;
}

/** The entries in a stable order: start, each source by id, end. */
function trail(events: readonly AuditEvent[]): unknown[] {
  const sourceId = (event: AuditEvent) =>
    event.action === 'record-view-source' ? event.source.id : '';
  const rank = (event: AuditEvent) =>
    ['record-view-started', 'record-view-source', 'record-view-completed'].indexOf(event.action);
  return [...events]
    .sort((a, b) => rank(a) - rank(b) || sourceId(a).localeCompare(sourceId(b)))
    .map(comparable);
}

async function viewPlain(nhsNumber: string): Promise<{ body: JsonView; events: AuditEvent[] }> {
  const response = await clinician.get(`/api/patients/${nhsNumber}/record`);
  assert.equal(response.status, 200, response.text);
  return { body: response.body as JsonView, events: await entriesOf(await latestViewRequest()) };
}

async function viewStreamed(
  nhsNumber: string,
): Promise<{ complete: Complete; items: Map<string, Item[]>; events: AuditEvent[] }> {
  const response = await clinician.request(
    'GET',
    `/api/patients/${nhsNumber}/record/stream`,
    undefined,
    { accept: 'text/event-stream' },
  );
  assert.equal(response.status, 200, response.text);
  const items = new Map<string, Item[]>();
  let complete: Complete | undefined;
  for (const block of response.text.split('\n\n')) {
    const name = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (name === undefined || data === undefined) continue;
    if (name === 'source') {
      const sections = (JSON.parse(data) as { sections: Record<string, Item[]> }).sections;
      for (const [section, list] of Object.entries(sections)) {
        items.set(section, [...(items.get(section) ?? []), ...list]);
      }
    }
    if (name === 'complete') complete = JSON.parse(data) as Complete;
  }
  assert.ok(complete !== undefined, 'the stream ends with complete');
  return { complete, items, events: await entriesOf(await latestViewRequest()) };
}

describe('the record opened as a page and as a stream', () => {
  test('the man discharged after a heart attack: the same audit entries, field for field, either way', async () => {
    const nhsNumber = '9990000247';
    await withPermission(nhsNumber);
    const plain = await viewPlain(nhsNumber);
    const streamed = await viewStreamed(nhsNumber);
    assert.deepEqual(
      plain.events.map((event) => event.action).sort(),
      [
        'record-view-completed',
        'record-view-started',
        ...plain.body.sources.map(() => 'record-view-source'),
      ].sort(),
    );
    assert.deepEqual(trail(streamed.events), trail(plain.events));
  });

  test('the restricted hospital items (999 000 0387): both ends record the withheld categories, both say something is not shown', async () => {
    const nhsNumber = '9990000387';
    await withPermission(nhsNumber);
    const plain = await viewPlain(nhsNumber);
    const streamed = await viewStreamed(nhsNumber);
    assert.equal(plain.body.informationWithheld, true);
    assert.equal(streamed.complete.informationWithheld, true);
    const end = plain.events.find((event) => event.action === 'record-view-completed');
    assert.ok(end?.action === 'record-view-completed');
    assert.ok((end.withheldCategories ?? []).length > 0, 'the categories withheld are recorded');
    assert.deepEqual(trail(streamed.events), trail(plain.events));
  });

  test('the stream ends with the same reconciliation and the same duplicates shown once as the page', async () => {
    const nhsNumber = '9990000247';
    await withPermission(nhsNumber);
    const plain = await viewPlain(nhsNumber);
    const streamed = await viewStreamed(nhsNumber);
    assert.ok(plain.body.reconciliation.length > 0, 'the page reconciles the medicines');
    assert.deepEqual(streamed.complete.reconciliation, plain.body.reconciliation);
    const marksOnPage = Object.entries(plain.body.sections).flatMap(([section, items]) =>
      items
        .filter((item) => item.alsoFrom !== undefined || item.duplicateOf !== undefined)
        .map((item) => ({
          section,
          item: { sourceId: item.source.sourceId, id: item.resource.id },
          ...(item.alsoFrom === undefined ? {} : { alsoFrom: item.alsoFrom }),
          ...(item.duplicateOf === undefined ? {} : { duplicateOf: item.duplicateOf }),
        })),
    );
    assert.ok(
      marksOnPage.some((mark) => mark.section === 'allergies'),
      'the warfarin allergy is shown once',
    );
    const byRef = (
      a: { item: { sourceId: string; id?: string } },
      b: { item: { sourceId: string; id?: string } },
    ) =>
      `${a.item.sourceId}/${a.item.id ?? ''}`.localeCompare(
        `${b.item.sourceId}/${b.item.id ?? ''}`,
      );
    assert.deepEqual([...streamed.complete.duplicates].sort(byRef), marksOnPage.sort(byRef));
    // Every mark names an item the stream sent.
    for (const mark of streamed.complete.duplicates) {
      assert.ok(
        (streamed.items.get(mark.section) ?? []).some(
          (item) =>
            item.source.sourceId === mark.item.sourceId && item.resource.id === mark.item.id,
        ),
      );
    }
  });

  test('a stream abandoned after the hospital has answered records what was withheld from it', async () => {
    const nhsNumber = '9990000387';
    await withPermission(nhsNumber);
    const requestId = `abandoned-${Date.now()}`;
    const stream = await system.app.services.recordViews.stream({ user, nhsNumber, requestId });
    for await (const event of stream.events) {
      // The clinician goes away as soon as something from the hospital was held back.
      if (event.type === 'source' && event.informationWithheld) break;
    }
    const events = await entriesOf(requestId);
    const end = events.find((event) => event.action === 'record-view-completed');
    assert.ok(
      end?.action === 'record-view-completed',
      'the abandoned view still ends in the trail',
    );
    assert.equal(end.outcome, 'failure');
    assert.ok(
      (end.withheldCategories ?? []).length > 0,
      'the end entry records the categories withheld from what was sent',
    );
    assert.ok(Object.values(end.withheld).some((count) => count > 0));
  });
});
