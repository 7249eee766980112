/** @module The pure helpers behind the privacy officers' and administrators' pages. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { chartDays, chartScale, fieldLabel, readEvent } from '../../src/web/audit-display.ts';
import type { SessionUser } from '../../src/api/session.ts';
import { pageAt, pagesFor } from '../../src/web/navigation.ts';

/** What the default policy lets each role do: the session lists these actions. */
const DEFAULT_POLICY = parse(readFileSync('policy/default-policy.yaml', 'utf8')) as {
  roles: Record<string, { actions: string[] }>;
};

/** A signed-in user as the session describes them: the actions are the policy's, unless given. */
const user = (role: string, actions?: string[]): SessionUser => ({
  id: 'u1',
  username: 'someone',
  displayName: 'Someone',
  role,
  roleName: role,
  organisation: 'RX1',
  actions: actions ?? DEFAULT_POLICY.roles[role]?.actions ?? [],
});

const labels = (role: string, actions?: string[]) =>
  pagesFor(user(role, actions)).map((page) => page.label);

describe('navigation by role', () => {
  test('a clinician finds patients and sees the sources; never the audit or the review queue', () => {
    assert.deepEqual(labels('gp'), ['Find a patient', 'Source systems']);
    assert.deepEqual(labels('social-worker'), ['Find a patient', 'Source systems']);
  });

  test('a privacy officer searches the audit, reports, reviews and sees the sources, but cannot open records', () => {
    assert.deepEqual(labels('privacy-officer'), [
      'Audit trail',
      'Access report',
      'Review queue',
      'Source systems',
    ]);
  });

  test('an administrator sees the sources; an unknown role only what any session may', () => {
    assert.deepEqual(labels('admin'), ['Source systems']);
    assert.deepEqual(labels('visitor'), ['Source systems']);
  });

  test('the pages follow the actions the server sends, not the role’s name', () => {
    assert.deepEqual(labels('gp', ['view-record', 'search-audit']), [
      'Find a patient',
      'Audit trail',
      'Access report',
      'Source systems',
    ]);
  });

  test('an unknown path, or one the role may not use, shows the role’s home page', () => {
    const pages = pagesFor(user('privacy-officer'));
    assert.equal(pageAt('/access-report/', pages)?.id, 'access-report');
    assert.equal(pageAt('/', pages)?.id, 'audit');
    assert.equal(pageAt('/nowhere', pages)?.id, 'audit');
    assert.equal(pageAt('/audit', pagesFor(user('admin')))?.id, 'sources');
  });
});

const viewStarted = {
  action: 'record-view-started',
  time: '2026-03-02T10:00:00.000Z',
  requestId: 'req-1',
  client: { address: '10.0.0.1', userAgent: 'Chromium' },
  actor: {
    userId: 'u-1',
    username: 'jsmith',
    displayName: 'Dr Jane Smith',
    role: 'hospital-clinician',
    organisation: 'RX1',
  },
  outcome: 'success',
  nhsNumber: '9990000107',
  basis: { permissionId: 'p-1', basis: 'consent' },
};

describe('reading audit entries', () => {
  test('an event’s who, what, patient and basis are read; other fields become name and value', () => {
    const event = readEvent(viewStarted);
    assert.equal(event.action, 'record-view-started');
    assert.deepEqual(event.actor, {
      userId: 'u-1',
      username: 'jsmith',
      name: 'Dr Jane Smith',
      role: 'hospital-clinician',
      organisation: 'RX1',
    });
    assert.equal(event.nhsNumber, '9990000107');
    assert.equal(event.basis, 'consent');
    assert.equal(event.permissionId, 'p-1');
    assert.deepEqual(event.details, [
      ['client.address', '10.0.0.1'],
      ['client.userAgent', 'Chromium'],
    ]);
  });

  test('anything that is not an event reads as unknown, without throwing', () => {
    assert.equal(readEvent(null).action, 'unknown');
    assert.equal(readEvent({ actor: null }).actor, undefined);
  });

  test('recorded fields are named in words, nested ones too, never as a raw path', () => {
    assert.equal(fieldLabel('client.address'), 'Device address');
    assert.equal(fieldLabel('sources[0].counts.allergies'), 'Source 1: counts: allergies');
    assert.equal(fieldLabel('withheld.medications'), 'Withheld: medications');
    assert.equal(fieldLabel('sources[2].elapsedMs'), 'Source 3: elapsed ms');
  });
});

describe('the access chart', () => {
  test('days without accesses between the first and last are drawn as zero', () => {
    assert.deepEqual(
      chartDays([
        { date: '2026-02-27', count: 2 },
        { date: '2026-03-02', count: 1 },
      ]),
      [
        { date: '2026-02-27', count: 2 },
        { date: '2026-02-28', count: 0 },
        { date: '2026-03-01', count: 0 },
        { date: '2026-03-02', count: 1 },
      ],
    );
    assert.deepEqual(chartDays([]), []);
  });

  test('a long history keeps the most recent days', () => {
    const days = chartDays(
      [
        { date: '2025-01-01', count: 1 },
        { date: '2026-01-01', count: 3 },
      ],
      10,
    );
    assert.equal(days.length, 10);
    assert.deepEqual(days.at(-1), { date: '2026-01-01', count: 3 });
  });

  test('the scale’s top is a round number at or above the busiest day', () => {
    assert.deepEqual([1, 3, 7, 12, 48, 120].map(chartScale), [1, 3, 10, 20, 50, 200]);
  });
});
