/**
 * @module Promise 4, checked on disk: after record views of several patients, none of the clinical
 * text the sources returned is in the database file (or its WAL), any file in the data folder,
 * or the logs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROLES } from '../../src/shared/roles.ts';
import { PERSONAS, type PersonaKey } from '../../sim/population/personas.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

/** Patients with varied records: GP and hospital, community, restricted items, a child, a large GP record. */
const VIEWED: readonly PersonaKey[] = [
  'typical',
  'discharge-medicines-differ',
  'restricted-hospital-items',
  'gp-confidential-items',
  'child-health-visitor',
  'deceased',
  'large-gp-record',
];

/** Keys whose string values carry clinical content in FHIR resources and in the patient summary. */
const CLINICAL_KEYS = new Set([
  'display',
  'text',
  'description',
  'title',
  'valueString',
  'comment',
  'lines',
  'line',
  'city',
  'district',
  'postalCode',
  'postcode',
]);

/** Displays too common to prove a leak: they could be in an error message or a column name. */
const COMMON_WORDS = [
  'repeat',
  'discharge',
  'continue',
  'history',
  'examination',
  'consultation',
  'laboratory',
  'normal',
  'safety',
  'temperature',
  'smoker',
  'self care',
  'social worker',
  'home health',
  'vital signs',
  'comment note',
  'primary performer',
  'problem list item',
  'encounter diagnosis',
];

/**
 * Words that may legitimately be stored (roles, statuses, source and organisation names from the
 * configuration, the audit's own vocabulary): a match on them would prove nothing.
 */
function isGeneric(text: string, allowed: ReadonlySet<string>): boolean {
  const lower = text.toLowerCase();
  return (
    text.length < 6 ||
    allowed.has(lower) ||
    /^https?:/.test(text) ||
    /^[\d\s:./-]+$/.test(text) || // dates, times, numbers
    /^[a-z]+(-[a-z]+)*$/.test(text) // code-like tokens: "active", "record-view-completed"
  );
}

/** Collects every string under a clinical key, anywhere in a JSON value. */
function collectStrings(value: unknown, into: Set<string>, key = ''): void {
  if (typeof value === 'string') {
    if (CLINICAL_KEYS.has(key)) into.add(value.trim());
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into, key);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [childKey, child] of Object.entries(value)) collectStrings(child, into, childKey);
  }
}

/** Every file under a folder, recursively, with its bytes read as UTF-8 text. */
function filesUnder(folder: string): { path: string; text: string }[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ path, text: readFileSync(path).toString('utf8') }];
  });
}

/** The strings found in a haystack, compared case-insensitively. */
function found(strings: Iterable<string>, haystack: string): string[] {
  const lower = haystack.toLowerCase();
  return [...strings].filter((text) => lower.includes(text.toLowerCase()));
}

describe('nothing collected from a source is stored or logged', () => {
  let system: RunningSystem;
  const clinical = new Set<string>();

  before(async () => {
    system = await startSystem();
    const account = await system.createUser('gp');
    const client = system.client();
    const signIn = await client.signIn(account.username, account.password);
    assert.equal(signIn.status, 200, signIn.text);

    const collected = new Set<string>();
    for (const key of VIEWED) {
      const persona = PERSONAS.find((candidate) => candidate.key === key);
      assert.ok(persona !== undefined, key);
      const search = await client.get(`/api/patients?nhsNumber=${persona.nhsNumber}`);
      assert.equal(search.status, 200, search.text);
      collectStrings(search.body, collected);
      const granted = await client.post(`/api/patients/${persona.nhsNumber}/permissions`, {
        basis: 'consent',
        method: 'verbal',
        givenBy: 'patient',
      });
      assert.equal(granted.status, 201, granted.text);
      const record = await client.get(`/api/patients/${persona.nhsNumber}/record`);
      assert.equal(record.status, 200, record.text);
      const body = record.body as { patient: unknown; sections: unknown };
      collectStrings(body.patient, collected);
      collectStrings(body.sections, collected);
    }

    const allowed = new Set<string>(
      [
        ...ROLES,
        ...system.config.sources.flatMap((source) => [source.name, source.organisation]),
        system.config.consumer.organisationName,
        ...COMMON_WORDS,
      ].map((text) => text.toLowerCase()),
    );
    for (const text of collected) if (!isGeneric(text, allowed)) clinical.add(text);
  });

  after(async () => {
    await system.close();
  });

  test('the record views returned plenty of distinctive clinical text to look for', () => {
    assert.ok(clinical.size >= 50, `only ${clinical.size} strings: ${[...clinical].join(' | ')}`);
  });

  test('the scan finds clinical text when it is there', () => {
    const sample = [...clinical].slice(0, 3);
    assert.deepEqual(found(clinical, `log line: ${sample.join(', ')}`).sort(), sample.sort());
  });

  test('the database file, its WAL and every file in the data folder hold none of it', () => {
    const files = filesUnder(system.dataDir);
    assert.ok(
      files.some((file) => file.path.endsWith('.sqlite')),
      `no SQLite file in ${system.dataDir}`,
    );
    assert.ok(
      files.some((file) => file.path.endsWith('-wal')),
      'the WAL is scanned too',
    );
    for (const file of files) {
      assert.deepEqual(found(clinical, file.text), [], `clinical text in ${file.path}`);
    }
  });

  test('the logs hold none of it', () => {
    assert.ok(system.logs.length > 0, 'the logs were captured');
    assert.deepEqual(found(clinical, system.logs.join('\n')), []);
  });
});
