/** @module Unit tests for the plain words shown for each source's answer. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceStatus } from '../../src/api/record.ts';
import {
  describeCounts,
  describeSourceStatus,
  isIncomplete,
  SECTION_LABELS,
} from '../../src/web/source-status.ts';
import { SECTION_NAMES } from '../../src/shared/sections.ts';

const ALL: readonly SourceStatus[] = [
  'answered',
  'patient-not-found',
  'dissent',
  'access-denied',
  'demographics-mismatch',
  'timed-out',
  'too-large',
  'malformed',
  'wrong-content-type',
  'unavailable',
  'busy',
  'refused',
  'error',
];

void describe('source statuses in plain words', () => {
  void test('every status has its own words, none of them the raw code', () => {
    const words = ALL.map((s) => describeSourceStatus(s).text);
    assert.equal(new Set(words).size, ALL.length);
    for (const [i, s] of ALL.entries()) assert.notEqual(words[i], s);
  });

  void test('only an answer is good news; a timeout is an alert', () => {
    assert.equal(describeSourceStatus('answered').tone, 'good');
    assert.equal(describeSourceStatus('timed-out').tone, 'alert');
  });

  void test('an unknown status is still shown', () => {
    assert.equal(describeSourceStatus('on-fire').text, 'Status: on-fire');
  });

  void test('a record is incomplete when a source failed, not when it simply holds nothing', () => {
    const source = (status: SourceStatus) => ({
      id: status,
      name: status,
      organisation: 'X',
      status,
      elapsedMs: 1,
      message: '',
      counts: {},
      warnings: [],
    });
    assert.equal(isIncomplete([source('answered'), source('patient-not-found')]), false);
    assert.equal(isIncomplete([source('answered'), source('timed-out')]), true);
  });
});

void describe('section counts', () => {
  void test('counts read in section order, leaving out empty sections', () => {
    assert.equal(
      describeCounts({ problems: 20, medications: 40, allergies: 0, carePlans: 1 }),
      'Medications 40, Problems 20, Care plans 1',
    );
    assert.equal(describeCounts({}), '');
  });

  void test('every section has a label', () => {
    for (const name of SECTION_NAMES) assert.ok(SECTION_LABELS[name].length > 0);
  });
});
