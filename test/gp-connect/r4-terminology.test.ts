/** @module Mapped GP items speak R4: R4 code system addresses, UK Core extensions, valid R4 throughout. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listFixtures, readFixtureJson } from '../support/fixtures.ts';
import { r4Errors } from '../support/r4-validator.ts';
import { mapStructuredRecord } from '../../src/record/gp-connect/map-to-r4.ts';
import {
  isStu3CodeSystem,
  r4CodeSystem,
  withR4Terminology,
} from '../../src/record/gp-connect/r4-terminology.ts';

const provenance = {
  sourceId: 'gp-a',
  system: 'Coxwold Surgery',
  organisation: 'A12345',
  retrievedAt: '2025-01-01T00:00:00Z',
};

/** Every `system` and extension `url` anywhere in a value. */
function addresses(
  value: unknown,
  found = { systems: new Set<string>(), urls: new Set<string>() },
) {
  if (Array.isArray(value)) for (const item of value) addresses(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      if (key === 'system' && typeof field === 'string') found.systems.add(field);
      if (key === 'extension' && Array.isArray(field)) {
        for (const extension of field as { url?: unknown }[]) {
          if (typeof extension.url === 'string' && extension.url.includes('/'))
            found.urls.add(extension.url);
        }
      }
      addresses(field, found);
    }
  }
  return found;
}

const suppliers = listFixtures('gp-connect/suppliers');

void describe('GP items in R4 terms', () => {
  void test('a “__proto__” key a source sends stays a field of the mapped item, never its prototype', () => {
    const sent = JSON.parse(
      '{"resourceType":"Condition","id":"c1","__proto__":{"polluted":true,"code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]}}}',
    ) as fhir4.Condition;
    const mapped = withR4Terminology(sent) as unknown as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(mapped), Object.prototype);
    assert.equal((mapped as { polluted?: unknown }).polluted, undefined);
    assert.ok(Object.hasOwn(mapped, '__proto__'));
    assert.deepEqual(Object.keys(mapped), ['resourceType', 'id', '__proto__']);
    assert.match(JSON.stringify(mapped), /"__proto__":\{"polluted":true/);
  });

  void test('a system or extension a source names like a built-in of JavaScript is nobody’s R4 address', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.equal(r4CodeSystem(name), name);
      const sent = {
        resourceType: 'Condition',
        id: 'c1',
        extension: [
          { url: `https://fhir.nhs.uk/STU3/StructureDefinition/${name}`, valueString: 'x' },
        ],
        code: { coding: [{ system: name, code: '44054006' }] },
      } as unknown as fhir4.Condition;
      assert.deepEqual(withR4Terminology(sent), sent);
      const bundle = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              id: 'p1',
              identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000107' }],
            },
          },
          {
            resource: {
              resourceType: 'Condition',
              id: 'c1',
              subject: { reference: 'Patient/p1' },
              code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
              extension: [
                { url: `https://fhir.nhs.uk/STU3/StructureDefinition/${name}`, valueString: 'x' },
              ],
            },
          },
        ],
      };
      const mapped = mapStructuredRecord(bundle, provenance, '9990000107');
      assert.ok(mapped.items.length > 0);
      for (const { resource } of mapped.items) {
        for (const url of addresses(resource).urls) assert.ok(!url.endsWith('UKCore-Object'), url);
        assert.equal((resource as { extension?: unknown[] }).extension, undefined);
      }
    }
  });

  void test('the STU3 code system addresses become their R4 ones, and others stay as they are', () => {
    assert.equal(
      r4CodeSystem('http://hl7.org/fhir/observation-category'),
      'http://terminology.hl7.org/CodeSystem/observation-category',
    );
    assert.equal(
      r4CodeSystem('http://hl7.org/fhir/v2/0078'),
      'http://terminology.hl7.org/CodeSystem/v2-0078',
    );
    assert.equal(
      r4CodeSystem('http://hl7.org/fhir/v2/0074'),
      'http://terminology.hl7.org/CodeSystem/v2-0074',
    );
    assert.equal(
      r4CodeSystem('http://hl7.org/fhir/v3/NullFlavor'),
      'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
    );
    assert.equal(r4CodeSystem('http://snomed.info/sct'), 'http://snomed.info/sct');
    // R4 keeps its required-binding code systems at the core address.
    assert.equal(
      r4CodeSystem('http://hl7.org/fhir/administrative-gender'),
      'http://hl7.org/fhir/administrative-gender',
    );
  });

  for (const file of suppliers) {
    void test(`no STU3 code system or CareConnect extension remains in the mapped items of ${file}`, () => {
      const mapped = mapStructuredRecord(
        readFixtureJson(`gp-connect/suppliers/${file}`),
        provenance,
      );
      assert.ok(mapped.items.length > 0, 'the supplier record maps to items');
      const { systems, urls } = addresses([
        mapped.items.map((item) => item.resource),
        mapped.patient,
      ]);
      const stu3Systems = [...systems].filter(
        (system) => isStu3CodeSystem(system) || system.startsWith('http://hl7.org/fhir/v'),
      );
      assert.deepEqual(stu3Systems, []);
      assert.deepEqual(
        [...urls].filter((url) => /CareConnect|\/STU3\//.test(url)),
        [],
      );
    });
  }

  void test('every item mapped from every supplier record is valid FHIR R4 to an independent validator', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const file of suppliers) {
      const mapped = mapStructuredRecord(
        readFixtureJson(`gp-connect/suppliers/${file}`),
        provenance,
      );
      for (const { resource } of mapped.items) {
        checked += 1;
        for (const error of r4Errors(resource))
          failures.push(`${file} ${resource.resourceType}/${resource.id ?? ''} ${error}`);
      }
    }
    assert.ok(checked > 500, `checked ${checked} items`);
    assert.deepEqual(failures.slice(0, 20), []);
  });

  void test('the repeat count allowed moves to dispenseRequest and the issued count takes its UK Core name', () => {
    const plan: fhir4.MedicationRequest = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/1' },
      medicationCodeableConcept: { text: 'Sertraline 100mg tablets' },
      extension: [
        {
          url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationRepeatInformation-1',
          extension: [
            { url: 'numberOfRepeatPrescriptionsAllowed', valueUnsignedInt: 6 },
            { url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: 2 },
          ],
        },
      ],
    };
    const request = withR4Terminology(plan);
    assert.equal(request.dispenseRequest?.numberOfRepeatsAllowed, 6);
    assert.deepEqual(request.extension, [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationRepeatInformation',
        extension: [{ url: 'numberOfPrescriptionsIssued', valueUnsignedInt: 2 }],
      },
    ]);
    assert.deepEqual(r4Errors(request), []);
  });
});
