/**
 * The plain record view's body, written item by item (src/server/routes/record-json.ts): the same
 * bytes as the route's RecordView schema gives the whole view, for the 5 MB GP record and a
 * supplier's record with odd characters; nothing the contract does not declare is sent; and an
 * item the contract cannot serialise fails the whole body before anything is sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyReply } from 'fastify';
import { ItemRef, Provenance, RecordItem, RecordView } from '../../src/api/record.ts';
import { mapStructuredRecord } from '../../src/record/gp-connect/map-to-r4.ts';
import { recordViewJson, RecordViewEnvelope } from '../../src/server/routes/record-json.ts';
import { itemData } from '../../src/server/routes/record-data.ts';
import {
  SECTION_NAMES,
  type RecordItem as Item,
  type SectionName,
  type Sections,
} from '../../src/shared/sections.ts';
import { createPopulation } from '../../sim/population/create-population.ts';
import { readFixtureJson } from '../support/fixtures.ts';

const provenance = {
  sourceId: 'gp',
  system: 'The Surgery',
  organisation: 'A81001',
  retrievedAt: '2026-01-01T00:00:00.000Z',
};

const envelope = {
  patient: {
    nhsNumber: '9990001014',
    nhsNumberFormatted: '999 000 1014',
    name: { given: ['George'], family: 'Ashworth' },
    restricted: false,
  },
  permission: { id: 'p1', basis: 'consent' as const, expiresAt: '2026-01-02T00:00:00.000Z' },
  sources: [],
  informationWithheld: false,
  hiddenSections: [],
  reconciliation: [],
};

function sectionsOf(items: readonly { section: SectionName; resource: fhir4.FhirResource }[]) {
  const sections = Object.fromEntries(SECTION_NAMES.map((name) => [name, [] as Item[]])) as Record<
    SectionName,
    Item[]
  >;
  for (const { section, resource } of items)
    sections[section].push({ source: provenance, resource });
  return sections as Sections;
}

/** The 5 MB persona's GP record as the simulated practice renders it. */
function largeRecord(): unknown {
  const population = createPopulation({ size: 20 });
  const areas = new Set([
    'includeAllergies',
    'includeMedication',
    'includeConsultations',
    'includeProblems',
    'includeImmunisations',
    'includeUncategorisedData',
    'includeInvestigations',
    'includeReferrals',
    'includeDiaryEntries',
  ] as const);
  for (const practice of population.practices) {
    const outcome = population.gpConnectRecord({
      ods: practice.ods,
      nhsNumber: '9990001014',
      areas,
      includeResolvedAllergies: true,
      includePrescriptionIssues: true,
      traceId: 'test',
    });
    if (outcome.outcome === 'record') return JSON.parse(JSON.stringify(outcome.bundle));
  }
  throw new Error('the large persona has no GP record');
}

/** The contract's compiled serialisers, as the record route asks its reply for them. */
function serialisers(reply: FastifyReply) {
  return {
    envelope: reply.compileSerializationSchema(RecordViewEnvelope),
    item: reply.compileSerializationSchema(RecordItem),
    provenance: reply.compileSerializationSchema(Provenance),
    ref: reply.compileSerializationSchema(ItemRef),
  };
}

/** Both bodies through a real Fastify reply: the schema's serialiser of the whole view, and ours. */
async function bothBodies(sections: Sections): Promise<{ whole: string; itemByItem: Buffer }> {
  const app = Fastify();
  let itemByItem: Buffer | undefined;
  let whole: string | undefined;
  app.get('/', { schema: { response: { 200: RecordView } } }, (_request, reply: FastifyReply) => {
    whole = reply.serializeInput({ ...envelope, sections: sectionsData(sections) }, RecordView);
    itemByItem = recordViewJson(envelope, sections, serialisers(reply));
    return reply.type('application/json; charset=utf-8').send(itemByItem);
  });
  try {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.ok(whole !== undefined && itemByItem !== undefined);
    assert.deepEqual(response.rawPayload, itemByItem);
    return { whole, itemByItem };
  } finally {
    await app.close();
  }
}

function sectionsData(sections: Sections) {
  return Object.fromEntries(SECTION_NAMES.map((name) => [name, sections[name].map(itemData)]));
}

describe('the record view body, written item by item', () => {
  test('is the bytes the record view schema gives, for the 5 MB GP record', async () => {
    const mapped = mapStructuredRecord(largeRecord(), provenance, '9990001014');
    assert.ok(mapped.items.length > 3000);
    const { whole, itemByItem } = await bothBodies(sectionsOf(mapped.items));
    assert.ok(itemByItem.length > 4_000_000);
    assert.equal(itemByItem.toString('utf8'), whole);
  });

  test('is the same bytes for a supplier record, non-ASCII and escapes included', async () => {
    const bundle = readFixtureJson('gp-connect/suppliers/EMIS_9730256853_full.json');
    const mapped = mapStructuredRecord(bundle, provenance);
    const items = [...mapped.items];
    // A note with characters that need escaping and some beyond Latin-1.
    items.push({
      section: 'problems',
      resource: {
        resourceType: 'Condition',
        id: 'odd-text',
        subject: { reference: 'Patient/1' },
        note: [{ text: 'Seen “today” — 10 µg\n\t"quoted" \\ back\u2028slash ☂ 𝄞' }],
      },
    });
    const { whole, itemByItem } = await bothBodies(sectionsOf(items));
    assert.equal(itemByItem.toString('utf8'), whole);
    assert.equal(Buffer.byteLength(whole, 'utf8'), itemByItem.length);
  });

  test('is the same bytes for resources in any field order and items marked as duplicates', async () => {
    const other = { ...provenance, sourceId: 'hospital', system: 'City Hospital' };
    const odd = (resource: unknown): Item => ({
      source: provenance,
      resource: resource as fhir4.FhirResource,
    });
    const items: Item[] = [
      // id before resourceType, no id, id late, id not a string, undefined and odd field names.
      odd({ id: 'a', resourceType: 'Condition' }),
      odd({ resourceType: 'Condition', code: { text: 'x' } }),
      odd({ resourceType: 'Condition', meta: {}, id: 'late' }),
      odd({ resourceType: 'Condition', id: 7 }),
      odd({ resourceType: 'Condition', id: 'u', x: undefined, '"}': 1 }),
      {
        source: provenance,
        resource: { resourceType: 'AllergyIntolerance', id: 'w1', patient: {} },
        alsoFrom: [{ sourceId: 'hospital', id: 'w2' }],
      },
      {
        source: other,
        resource: { resourceType: 'AllergyIntolerance', id: 'w2', patient: {} },
        duplicateOf: { sourceId: 'gp', id: 'w1' },
      },
    ];
    const { whole, itemByItem } = await bothBodies({ ...sectionsOf([]), allergies: items });
    assert.equal(itemByItem.toString('utf8'), whole);
  });

  test('sends nothing the contract does not declare', async () => {
    const sections = sectionsOf([
      {
        section: 'problems',
        resource: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/1' } },
      },
    ]);
    // Fields a careless caller might leave on the envelope or an item's provenance.
    const leaky = {
      ...envelope,
      patient: { ...envelope.patient, address: { lines: ['1 High St'] }, secret: 'no' },
      internal: 'no',
    };
    const app = Fastify();
    let body = '';
    app.get('/', (_request, reply) => {
      body = recordViewJson(leaky, sections, serialisers(reply)).toString('utf8');
      return reply.send('');
    });
    await app.inject({ method: 'GET', url: '/' });
    await app.close();
    const parsed = JSON.parse(body) as Record<string, unknown>;
    assert.equal(parsed['internal'], undefined);
    assert.equal((parsed['patient'] as Record<string, unknown>)['secret'], undefined);
    assert.deepEqual(Object.keys(parsed), [...Object.keys(RecordView.properties)]);
  });

  test('an item without a resource type fails the whole body before anything is sent', async () => {
    const sections = sectionsOf([]);
    const broken = { source: provenance, resource: { id: 'no-type' } } as unknown as Item;
    const app = Fastify();
    app.get('/', (_request, reply) => {
      const body = recordViewJson(
        envelope,
        { ...sections, problems: [broken] },
        serialisers(reply),
      );
      return reply.send(body);
    });
    const response = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    assert.equal(response.statusCode, 500);
    assert.ok(!response.body.includes('no-type'));
  });
});
