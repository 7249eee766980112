/**
 * The simulated practices' records are read by the same code that reads the real supplier
 * records, and give exactly what their Lists name — so the demo exercises the real reader.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPopulation } from '../../sim/population/create-population.ts';
import {
  readStructuredRecord,
  type StructuredRecord,
} from '../../src/sources/gp-connect/read-structured-record.ts';
import { mapStructuredRecord } from '../../src/record/gp-connect/map-to-r4.ts';
import { walkPrimaryLists } from '../support/gpc-list-walker.ts';
import { wholeRecord } from './population-helpers.ts';

const population = createPopulation({ seed: 7, size: 40 });
const provenance = {
  sourceId: 'gp',
  system: 'Sim practice',
  organisation: 'A81001',
  retrievedAt: '2026-11-26T12:00:00Z',
};

describe('simulated GP Connect records through the real reader', () => {
  const registered = Array.from({ length: population.size }, (_, index) =>
    population.nhsNumberAt(index),
  ).flatMap((nhsNumber) =>
    population.practices.flatMap((practice) => {
      const outcome = population.gpConnectRecord(wholeRecord(practice.ods, nhsNumber));
      return outcome.outcome === 'record' && nhsNumber !== '9990001014'
        ? [{ nhsNumber, bundle: outcome.bundle }]
        : [];
    }),
  );

  test('there are registered patients to read', () => {
    assert.ok(registered.length > 20, `${registered.length} records`);
  });

  test('every simulated record is read whole: items per area equal an independent walk of its Lists', () => {
    for (const { nhsNumber, bundle } of registered) {
      const read = readStructuredRecord(bundle);
      assert.ok(read.ok, `${nhsNumber}: unreadable`);
      assert.equal(read.record.dropped, 0, `${nhsNumber}: items dropped`);
      for (const [area, walked] of Object.entries(walkPrimaryLists(bundle))) {
        const ids: string[] = read.record.areas[area as keyof StructuredRecord['areas']].map(
          (item) => `${item.resourceType}/${String(item['id'])}`,
        );
        assert.deepEqual(ids, walked.ids, `${nhsNumber} ${area}`);
      }
    }
  });

  test('every simulated record maps to FHIR R4 items in sections, keeping the practice as provenance', () => {
    for (const { nhsNumber, bundle } of registered.slice(0, 10)) {
      const mapped = mapStructuredRecord(bundle, provenance);
      assert.ok(mapped.items.length > 0, `${nhsNumber}: no items`);
      assert.ok(mapped.patient !== undefined, `${nhsNumber}: no patient`);
      for (const { resource } of mapped.items) {
        assert.equal(
          resource.meta?.source,
          'urn:mcr:source:gp',
          `${nhsNumber} ${resource.resourceType}`,
        );
      }
    }
  });
});
