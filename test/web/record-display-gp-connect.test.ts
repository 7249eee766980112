/**
 * @module The record display helpers read real supplier records as the GP Connect mapping
 * produces them: medications with their facts, reports with their results, consultations with
 * their topics — nothing a practice sent is lost on the way to the screen.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordItem as RecordEntry } from '../../src/api/record.ts';
import { consultationTopics, consultationEntryCount } from '../../src/web/consultation-topics.ts';
import { groupInvestigations, reportTable } from '../../src/web/investigation-groups.ts';
import { medicationFacts } from '../../src/web/medication-facts.ts';
import { summariseResource } from '../../src/web/resource-summary.ts';
import { indexRecord } from '../../src/web/record-index.ts';
import { mapStructuredRecord } from '../../src/record/gp-connect/map-to-r4.ts';
import { readConsultationTopics } from '../../src/record/gp-connect/consultation-structure.ts';
import type { SectionName } from '../../src/shared/sections.ts';
import { readFixtureJson } from '../support/fixtures.ts';

const PROVENANCE = {
  sourceId: 'gp',
  system: 'Riverside Medical Practice',
  organisation: 'A81001',
  retrievedAt: '2025-01-01T00:00:00Z',
};

function sections(file: string): Partial<Record<SectionName, RecordEntry[]>> {
  const mapped = mapStructuredRecord(readFixtureJson(`gp-connect/suppliers/${file}`), PROVENANCE);
  const out: Partial<Record<SectionName, RecordEntry[]>> = {};
  for (const item of mapped.items) {
    const entry = { source: PROVENANCE, resource: item.resource } as unknown as RecordEntry;
    (out[item.section] ??= []).push(entry);
  }
  return out;
}

const SUPPLIERS = ['EMIS_9730256853_full.json', 'TPP_9465701998_full.json', 'full_record.json'];

describe('real supplier records on screen', () => {
  for (const file of SUPPLIERS) {
    const record = sections(file);

    void test(`${file}: every medication has a name and an issue count that matches its issues`, () => {
      const medications = record.medications ?? [];
      assert.ok(medications.length > 0);
      for (const { resource } of medications) {
        const summary = summariseResource(resource);
        assert.doesNotMatch(summary.title, /^Medication(Statement|Request) /, summary.title);
        if (resource.resourceType !== 'MedicationStatement') continue;
        const facts = medicationFacts(resource);
        const issues = Array.isArray(resource['derivedFrom']) ? resource['derivedFrom'].length : 0;
        assert.equal(facts.issues ?? 0, issues, `${summary.title}: number of issues`);
        if (issues > 0) assert.notEqual(facts.lastIssued, '', `${summary.title}: last issued`);
      }
    });

    void test(`${file}: every test result sits in its report's table or in the loose list, once`, () => {
      const entries = record.investigations ?? [];
      const grouped = groupInvestigations(entries);
      const inReports = grouped.reports.reduce((sum, group) => sum + group.members.length, 0);
      const observations = entries.filter((e) => e.resource.resourceType === 'Observation').length;
      assert.equal(inReports + grouped.observations.length, observations);
      for (const group of grouped.reports) {
        const table = reportTable(group);
        assert.equal(table.rows.length + table.comments.length <= group.members.length, true);
      }
    });

    void test(`${file}: each consultation shows the topics, categories and entries the mapping kept`, () => {
      const resolve = indexRecord(record);
      for (const { resource } of record.encounters ?? []) {
        const expected = readConsultationTopics(resource as unknown as fhir4.Encounter);
        const shown = consultationTopics(resource);
        assert.equal(shown.length, expected.length);
        const expectedEntries = expected.reduce(
          (sum, topic) =>
            sum +
            topic.entries.length +
            topic.categories.reduce((inner, category) => inner + category.entries.length, 0),
          0,
        );
        assert.equal(consultationEntryCount(shown), expectedEntries);
        for (const topic of shown) {
          for (const category of topic.categories) {
            assert.ok(category.title !== '');
            for (const entry of category.entries) {
              // Every entry either resolves to an item of the record or keeps its own words.
              const found =
                entry.reference === undefined ? undefined : resolve(entry.reference, 'gp');
              assert.ok(found !== undefined || entry.display !== undefined || entry.reference);
            }
          }
        }
      }
    });
  }
});
