/**
 * The legally-restricted filter, property-based: items carrying a restricted code or label anywhere a
 * code can be are never shown to any role; plain items are never withheld by mistake.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { filterRecordForRole } from '../../src/access/policy/filter-record.ts';
import { loadPolicy } from '../../src/access/policy/load-policy.ts';
import { ROLES } from '../../src/shared/roles.ts';
import {
  SECTION_NAMES,
  type RecordItem,
  type SectionName,
  type Sections,
} from '../../src/shared/sections.ts';
import { LEGALLY_RESTRICTED_CODES } from '../../sim/population/data/code-list.ts';

const policy = loadPolicy();
const SNOMED = 'http://snomed.info/sct';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

/** Codes known not to be restricted (common problems, tests and medicines). */
const PLAIN_CODES = ['38341003', '44054006', '195967001', '271649006', '1003757003', '322236009'];
const RESTRICTED_SAMPLE = [...LEGALLY_RESTRICTED_CODES, '86406008', '57797005', '407377005'];

type Coding = { system?: string; code: string; display?: string };
type Json = Record<string, unknown>;

/** Every place a coding can hide in a resource. */
const PLACEMENTS: readonly ((resource: Json, coding: Coding) => void)[] = [
  (r, c) => (r['code'] = { coding: [c] }),
  (r, c) => (r['reasonCode'] = [{ coding: [{ system: SNOMED, code: PLAIN_CODES[0] }, c] }]),
  (r, c) => (r['type'] = [{ coding: [c] }]),
  (r, c) => (r['category'] = [{ coding: [c] }]),
  (r, c) => (r['valueCodeableConcept'] = { coding: [c] }),
  (r, c) => (r['medicationCodeableConcept'] = { coding: [c] }),
  (r, c) => (r['component'] = [{ code: { coding: [c] } }]),
  (r, c) => (r['contained'] = [{ resourceType: 'Medication', id: 'm1', code: { coding: [c] } }]),
  (r, c) =>
    (r['extension'] = [{ url: 'https://example.org/x', valueCodeableConcept: { coding: [c] } }]),
  (r, c) =>
    (r['extension'] = [
      { url: 'https://example.org/outer', extension: [{ url: 'inner', valueCoding: c }] },
    ]),
  (r, c) => (r['bodySite'] = [{ coding: [c] }]),
];

const plainCoding = fc
  .constantFrom(...PLAIN_CODES)
  .map((code): Coding => ({ system: SNOMED, code }));
const restrictedCoding = fc
  .record({
    code: fc.constantFrom(...RESTRICTED_SAMPLE),
    withSystem: fc.boolean(),
  })
  .map(({ code, withSystem }): Coding => (withSystem ? { system: SNOMED, code } : { code }));
const labelCoding = fc
  .constantFrom('R', 'V')
  .map((code): Coding => ({ system: CONFIDENTIALITY, code }));

const resourceType = fc.constantFrom(
  'Condition',
  'Observation',
  'Procedure',
  'MedicationStatement',
  'AllergyIntolerance',
  'Immunization',
  'DocumentReference',
  'CarePlan',
);

function plainResource(id: string): fc.Arbitrary<Json> {
  return fc
    .record({
      type: resourceType,
      codings: fc.array(fc.tuple(fc.nat(PLACEMENTS.length - 1), plainCoding), { maxLength: 4 }),
      note: fc.string({ maxLength: 20 }),
    })
    .map(({ type, codings, note }) => {
      const resource: Json = { resourceType: type, id, note: [{ text: note }] };
      for (const [where, coding] of codings) PLACEMENTS[where]?.(resource, coding);
      return resource;
    });
}

function restrictedResource(id: string): fc.Arbitrary<Json> {
  return fc
    .record({
      base: plainResource(id),
      marker: fc.oneof(restrictedCoding, labelCoding),
      where: fc.nat(PLACEMENTS.length), // the last value means meta.security
    })
    .map(({ base, marker, where }) => {
      const placement = PLACEMENTS[where];
      if (placement === undefined) base['meta'] = { security: [marker] };
      else placement(base, marker);
      return base;
    });
}

interface GeneratedItem {
  readonly section: SectionName;
  readonly item: RecordItem;
  readonly restricted: boolean;
}

const generatedRecord = fc
  .array(
    fc.record({
      section: fc.constantFrom(...SECTION_NAMES),
      source: fc.constantFrom('gp-a81001', 'hospital', 'community', 'social-care'),
      restricted: fc.boolean(),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .chain((specs) =>
    fc.tuple(
      ...specs.map((spec, n) => {
        const id = `${spec.restricted ? 'r' : 'p'}-${n}`;
        return (spec.restricted ? restrictedResource(id) : plainResource(id)).map(
          (resource): GeneratedItem => ({
            section: spec.section,
            restricted: spec.restricted,
            item: {
              source: {
                sourceId: spec.source,
                system: spec.source,
                organisation: 'RX1',
                retrievedAt: '2025-01-01T00:00:00.000Z',
              },
              resource: resource as unknown as fhir4.FhirResource,
            },
          }),
        );
      }),
    ),
  );

function toSections(items: readonly GeneratedItem[]): Sections {
  const sections = Object.fromEntries(
    SECTION_NAMES.map((name) => [name, [] as RecordItem[]]),
  ) as Record<SectionName, RecordItem[]>;
  for (const { section, item } of items) sections[section].push(item);
  return sections;
}

function shownIds(sections: Sections): string[] {
  return SECTION_NAMES.flatMap((name) => sections[name].map((item) => item.resource.id ?? ''));
}

describe('legally restricted information', () => {
  test('the starter code set covers every code the simulated hospital marks as legally restricted', () => {
    for (const code of LEGALLY_RESTRICTED_CODES) {
      assert.ok(policy.restrictedCodes.categoryOf(SNOMED, code), `code ${code} is not restricted`);
    }
  });

  test('an item with a restricted code or an R/V label anywhere is never shown, to any role', () => {
    fc.assert(
      fc.property(generatedRecord, fc.constantFrom(...ROLES), (items, role) => {
        const result = filterRecordForRole({
          role,
          sections: toSections(items),
          policy,
          restrictedCodes: policy.restrictedCodes,
        });
        const shown = new Set(shownIds(result.sections));
        for (const { item, restricted } of items) {
          if (restricted)
            assert.ok(!shown.has(item.resource.id ?? ''), `${item.resource.id ?? ''} leaked`);
        }
        const withheldTotal = Object.values(result.withheld).reduce((sum, n) => sum + n, 0);
        assert.equal(withheldTotal + shown.size, items.length);
        if (items.some((entry) => entry.restricted)) assert.equal(result.informationWithheld, true);
      }),
      { numRuns: 300 },
    );
  });

  test('plain items in the sections a role may see are all kept', () => {
    fc.assert(
      fc.property(generatedRecord, fc.constantFrom(...ROLES), (items, role) => {
        const result = filterRecordForRole({
          role,
          sections: toSections(items),
          policy,
          restrictedCodes: policy.restrictedCodes,
        });
        const visible = new Set(policy.sectionsFor(role));
        const shown = new Set(shownIds(result.sections));
        for (const { item, restricted, section } of items) {
          if (!restricted && visible.has(section)) {
            assert.ok(shown.has(item.resource.id ?? ''), `${item.resource.id ?? ''} over-withheld`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the categories withheld are for the audit; the result never names a code or a display', () => {
    const items: GeneratedItem[] = [
      {
        section: 'problems',
        restricted: true,
        item: {
          source: {
            sourceId: 'hospital',
            system: 'H',
            organisation: 'RX1',
            retrievedAt: '2025-01-01T00:00:00.000Z',
          },
          resource: {
            resourceType: 'Condition',
            id: 'c1',
            subject: {},
            code: { coding: [{ system: SNOMED, code: '93461009', display: 'Gender dysphoria' }] },
          },
        },
      },
    ];
    const result = filterRecordForRole({
      role: 'gp',
      sections: toSections(items),
      policy,
      restrictedCodes: policy.restrictedCodes,
    });
    assert.deepEqual(result.withheld, { problems: 1 });
    assert.deepEqual(result.withheldCategories, ['gender-identity']);
    assert.equal(result.informationWithheld, true);
    assert.doesNotMatch(JSON.stringify(result), /93461009|dysphoria/i);
  });

  test('NOPAT items are withheld from patient-facing views only', () => {
    const nopat: RecordItem = {
      source: {
        sourceId: 'hospital',
        system: 'H',
        organisation: 'RX1',
        retrievedAt: '2025-01-01T00:00:00.000Z',
      },
      resource: {
        resourceType: 'DocumentReference',
        id: 'd1',
        status: 'current',
        content: [],
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'NOPAT' }],
        },
      },
    };
    const sections = toSections([{ section: 'documents', item: nopat, restricted: false }]);
    const clinician = filterRecordForRole({
      role: 'gp',
      sections,
      policy,
      restrictedCodes: policy.restrictedCodes,
    });
    assert.equal(clinician.sections.documents.length, 1);
    const patient = filterRecordForRole({
      role: 'gp',
      sections,
      policy,
      restrictedCodes: policy.restrictedCodes,
      patientFacing: true,
    });
    assert.equal(patient.sections.documents.length, 0);
    assert.deepEqual(patient.withheldCategories, ['not-for-patient']);
  });

  test('a restricted code in a part two items share, deep in lists of lists or beside a value that is no JSON, is found in each', () => {
    const source = {
      sourceId: 'gp',
      system: 'G',
      organisation: 'A81001',
      retrievedAt: '2025-01-01T00:00:00.000Z',
    };
    // One object shared by two items (as a GP record's mapped items share a carried reference).
    const shared = { coding: [{ system: SNOMED, code: '93461009' }] };
    const deep: unknown = [[[[{ extension: [{ valueCodeableConcept: shared }] }]]]];
    const items = [
      { resourceType: 'Observation', id: 'o1', code: { text: 'a' }, component: deep },
      { resourceType: 'Condition', id: 'c1', code: { text: 'b' }, evidence: [{ code: [shared] }] },
      // A non-finite number beside the code (the code is met first): withheld either way.
      // The other way round: the number is met first, and reported.
      {
        resourceType: 'Observation',
        id: 'o3',
        code: shared,
        valueQuantity: { value: Number.NaN },
      },
      {
        resourceType: 'Observation',
        id: 'o2',
        valueQuantity: { value: Number.POSITIVE_INFINITY },
        code: shared,
      },
      {
        resourceType: 'Observation',
        id: 'plain',
        code: { coding: [{ system: SNOMED, code: PLAIN_CODES[0] }] },
      },
    ].map((resource) => ({ source, resource: resource as fhir4.FhirResource }));
    const sections = { ...toSections([]), investigations: items } as Sections;
    for (const role of ['gp', 'hospital-clinician'] as const) {
      const result = filterRecordForRole({
        role,
        sections,
        policy,
        restrictedCodes: policy.restrictedCodes,
      });
      assert.deepEqual(shownIds(result.sections), ['plain']);
      assert.deepEqual(result.withheld, { investigations: 4 });
      assert.deepEqual(result.withheldCategories, ['gender-identity', 'uninspectable']);
    }
  });

  test('an item the filter cannot inspect is withheld', () => {
    const source = {
      sourceId: 'hospital',
      system: 'H',
      organisation: 'RX1',
      retrievedAt: '2025-01-01T00:00:00.000Z',
    };
    let deep: Json = { resourceType: 'Observation', id: 'deep' };
    const root = deep;
    for (let n = 0; n < 200; n += 1) {
      const next: Json = {};
      deep['extension'] = [next];
      deep = next;
    }
    const odd = [
      { source, resource: 'not an object' },
      { source, resource: { id: 'no-type' } },
      {
        source,
        resource: { resourceType: 'Observation', id: 'inf', valueQuantity: { value: Infinity } },
      },
      { source, resource: root },
      { resource: { resourceType: 'Observation', id: 'no-source' } },
      null,
    ] as unknown as RecordItem[];
    const sections = { ...toSections([]), investigations: odd } as Sections;
    const result = filterRecordForRole({
      role: 'gp',
      sections,
      policy,
      restrictedCodes: policy.restrictedCodes,
    });
    assert.equal(result.sections.investigations.length, 0);
    assert.deepEqual(result.withheld, { investigations: odd.length });
    assert.deepEqual(result.withheldCategories, ['uninspectable']);
  });

  test('the encounter at a gender identity clinic is withheld with the diagnosis made there', () => {
    const source = {
      sourceId: 'hospital',
      system: 'H',
      organisation: 'RX1',
      retrievedAt: '2025-01-01T00:00:00.000Z',
    };
    const otherSource = { ...source, sourceId: 'community' };
    const encounter = (id: string): fhir4.Encounter => ({
      resourceType: 'Encounter',
      id,
      status: 'finished',
      class: { code: 'AMB' },
      serviceType: { text: 'Gender identity clinic' },
    });
    const sections = toSections([
      { section: 'encounters', restricted: false, item: { source, resource: encounter('e1') } },
      // Same id at another source: a different encounter, not linked.
      {
        section: 'encounters',
        restricted: false,
        item: { source: otherSource, resource: encounter('e1') },
      },
      {
        section: 'problems',
        restricted: true,
        item: {
          source,
          resource: {
            resourceType: 'Condition',
            id: 'c1',
            subject: {},
            encounter: { reference: 'Encounter/e1' },
            code: { coding: [{ system: SNOMED, code: '93461009' }] },
          },
        },
      },
    ]);
    const result = filterRecordForRole({
      role: 'nurse',
      sections,
      policy,
      restrictedCodes: policy.restrictedCodes,
    });
    assert.deepEqual(
      result.sections.encounters.map((item) => item.source.sourceId),
      ['community'],
    );
    assert.deepEqual(result.withheld, { encounters: 1, problems: 1 });
    assert.deepEqual(result.withheldCategories, ['gender-identity', 'linked-to-restricted']);
  });
});

describe('what each role sees', () => {
  const source = {
    sourceId: 'gp-a81001',
    system: 'GP',
    organisation: 'A81001',
    retrievedAt: '2025-01-01T00:00:00.000Z',
  };
  const consultation: RecordItem = {
    source,
    resource: {
      resourceType: 'Encounter',
      id: 'consult-1',
      status: 'finished',
      class: { code: 'AMB' },
      period: { start: '2024-05-01' },
      reasonCode: [{ text: 'Low mood' }],
      extension: [
        {
          url: 'https://mycarerecord.nhs.uk/fhir/StructureDefinition/gpc-consultation-topic',
          valueString: 'x',
        },
        { url: 'https://example.org/other', valueString: 'kept' },
      ],
    },
  };
  const result = (x: string): RecordItem => ({
    source,
    resource: { resourceType: 'Observation', id: x, status: 'final', code: { text: 'HbA1c' } },
  });
  const sections = {
    ...toSections([]),
    encounters: [consultation],
    investigations: [result('o1'), result('o2')],
  };

  test('a social worker sees no investigation results and no consultation detail', () => {
    const filtered = filterRecordForRole({
      role: 'social-worker',
      sections,
      policy,
      restrictedCodes: policy.restrictedCodes,
    });
    assert.equal(filtered.sections.investigations.length, 0);
    assert.deepEqual(filtered.withheld, { investigations: 2 });
    const encounter = filtered.sections.encounters[0]?.resource as fhir4.Encounter | undefined;
    assert.equal(encounter?.id, 'consult-1');
    assert.equal(encounter.period?.start, '2024-05-01');
    assert.equal(encounter.reasonCode, undefined);
    assert.deepEqual(
      encounter.extension?.map((e) => e.url),
      ['https://example.org/other'],
    );
    assert.ok(filtered.withheldCategories.includes('consultation-detail'));
    assert.equal(filtered.informationWithheld, true);
    // The input is untouched.
    assert.equal((consultation.resource as fhir4.Encounter).reasonCode?.length, 1);
  });

  test('a health visitor and a GP see everything that is not restricted', () => {
    for (const role of ['health-visitor', 'gp'] as const) {
      const filtered = filterRecordForRole({
        role,
        sections,
        policy,
        restrictedCodes: policy.restrictedCodes,
      });
      assert.equal(filtered.sections.investigations.length, 2);
      assert.deepEqual(filtered.sections.encounters, [consultation]);
      assert.equal(filtered.informationWithheld, false);
      assert.deepEqual(filtered.withheld, {});
    }
  });

  test('privacy officers and administrators see no clinical content at all', () => {
    for (const role of ['privacy-officer', 'admin'] as const) {
      const filtered = filterRecordForRole({
        role,
        sections,
        policy,
        restrictedCodes: policy.restrictedCodes,
      });
      assert.equal(
        SECTION_NAMES.reduce((n, name) => n + filtered.sections[name].length, 0),
        0,
      );
    }
  });
});
