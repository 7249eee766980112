/**
 * Privacy monitoring over the audit trail, on SQLite and PostgreSQL: each rule raises an alert on
 * its case, a normal working day raises none, and a restart neither loses nor repeats an alert.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import type { User } from '../../src/access/user.ts';
import { auditActor } from '../../src/audit/audit-actor.ts';
import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log.ts';
import {
  createPrivacyAlerts,
  type PrivacyAlert,
} from '../../src/audit/monitoring/privacy-alerts.ts';
import {
  createPrivacyMonitor,
  type PrivacyMonitor,
} from '../../src/audit/monitoring/privacy-monitor.ts';
import type { MonitoringSettings } from '../../src/audit/monitoring/privacy-rules.ts';
import {
  EMPTY_STAFF_DIRECTORY,
  staffDirectoryFrom,
  type StaffDirectory,
} from '../../src/audit/monitoring/staff-directory.ts';
import { MonitoringConfigSchema } from '../../src/config/config-schema.ts';
import { checkDigit } from '../../src/identity/nhs-number.ts';
import type { PatientSummary } from '../../src/identity/patient-summary.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

function settingsWith(overrides: Record<string, unknown> = {}): MonitoringSettings {
  const settings = Value.Default(MonitoringConfigSchema, structuredClone(overrides));
  assert.ok(Value.Check(MonitoringConfigSchema, settings), 'monitoring settings are valid');
  return settings;
}

let nhsSeed = 100_000;
/** A fresh valid NHS number in the 999 test range. */
function nhsNumber(): string {
  for (;;) {
    nhsSeed += 1;
    const first = `999${String(nhsSeed).padStart(6, '0')}`;
    const digit = checkDigit(first);
    if (digit !== undefined) return `${first}${digit}`;
  }
}

let userSeed = 0;
function user(displayName: string, organisation = 'RXX01'): User {
  userSeed += 1;
  return {
    id: `00000000-0000-4000-8000-${String(userSeed).padStart(12, '0')}`,
    username: `user.${userSeed}`,
    displayName,
    role: 'hospital-clinician',
    organisation,
    isDemo: false,
    disabled: false,
  };
}

function patient(nhs: string, family: string, extra: Partial<PatientSummary> = {}): PatientSummary {
  return {
    nhsNumber: nhs,
    nhsNumberFormatted: nhs,
    name: { given: ['Alex'], family },
    address: { lines: ['1 High Street'], postcode: 'NG1 1AA' },
    restricted: false,
    ...extra,
  };
}

/** A monitor over one store with a controllable clock; `view` writes a record view as the app does. */
class Harness {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly settings: MonitoringSettings;
  readonly directory: StaffDirectory;
  monitor: PrivacyMonitor;
  clock = new Date('2025-03-04T10:00:00.000Z');
  private requests = 0;

  constructor(store: Store, settings: MonitoringSettings, directory: StaffDirectory) {
    this.store = store;
    this.settings = settings;
    this.directory = directory;
    this.audit = createAuditLog({ store, now: () => this.clock });
    this.monitor = this.newMonitor();
  }

  /** A monitor as a restarted server would make it: nothing in memory, everything from the store. */
  newMonitor(): PrivacyMonitor {
    this.monitor = createPrivacyMonitor({
      store: this.store,
      audit: createAuditLog({ store: this.store }),
      alerts: createPrivacyAlerts({ db: this.store.db, now: () => this.clock }),
      settings: this.settings,
      directory: this.directory,
      warn: (message, error) => {
        throw new Error(message, { cause: error });
      },
    });
    return this.monitor;
  }

  async append(event: AuditEvent): Promise<number> {
    return (await this.audit.append(event)).seq;
  }

  /** One record view at `time`: start entry, the trace hook, the completed entry. */
  async view(
    by: User,
    who: PatientSummary,
    time: string,
    options: { traced?: boolean } = {},
  ): Promise<number> {
    this.clock = new Date(time);
    this.requests += 1;
    const common = {
      time,
      requestId: `req-${this.requests}`,
      actor: auditActor(by),
      nhsNumber: who.nhsNumber,
      outcome: 'success' as const,
      basis: { permissionId: 'perm-1', basis: 'consent' as const },
    };
    const seq = await this.append({ ...common, action: 'record-view-started' });
    if (options.traced !== false) {
      await this.monitor.onTraced({
        user: by,
        nhsNumber: who.nhsNumber,
        requestId: common.requestId,
        time,
        patient: who,
        auditSeq: seq,
      });
    }
    await this.append({
      ...common,
      action: 'record-view-completed',
      sources: [],
      withheld: {},
      elapsedMs: 120,
      patientRestricted: who.restricted,
    });
    return seq;
  }

  async alerts(): Promise<PrivacyAlert[]> {
    await this.monitor.catchUp();
    return createPrivacyAlerts({ db: this.store.db, now: () => this.clock }).list('all');
  }
}

forEachStore((name, open) => {
  describe(`privacy monitoring on ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    /** Each case starts after whatever the previous one left in the trail. */
    async function harness(
      overrides: Record<string, unknown> = {},
      directory = EMPTY_STAFF_DIRECTORY,
    ): Promise<{ h: Harness; newAlerts: () => Promise<PrivacyAlert[]> }> {
      await store.db.deleteFrom('privacy_alerts').execute();
      const h = new Harness(store, settingsWith(overrides), directory);
      await h.monitor.catchUp();
      return {
        h,
        newAlerts: async () => (await h.alerts()).sort((a, b) => a.seq - b.seq),
      };
    }

    test('every emergency access raises an alert naming the user, the patient and the entry', async () => {
      const { h, newAlerts } = await harness();
      const clinician = user('Dr Sam Patel');
      const nhs = nhsNumber();
      const seq = await h.append({
        action: 'emergency-access',
        time: '2025-03-04T10:00:00.000Z',
        requestId: 'req-e1',
        actor: auditActor(clinician),
        outcome: 'success',
        nhsNumber: nhs,
        permissionId: 'perm-e1',
        reasonCode: 'patient-unconscious',
      });
      const alerts = await newAlerts();
      assert.deepEqual(
        alerts.map((a) => [a.rule, a.seq, a.userId, a.nhsNumber, a.status]),
        [['emergency-access', seq, clinician.id, nhs, 'open']],
      );
      assert.match(alerts[0]?.detail ?? '', /patient-unconscious/);
    });

    test('a user viewing their own record is flagged; a colleague viewing it is not', async () => {
      const nurse = user('Kim Lee');
      const colleague = user('Chris Doe');
      const own = nhsNumber();
      const { h, newAlerts } = await harness({}, staffDirectoryFrom({ [nurse.username]: own }));
      const seq = await h.view(nurse, patient(own, 'Lee-Wong'), '2025-03-04T10:00:00.000Z');
      await h.view(colleague, patient(own, 'Lee-Wong'), '2025-03-04T10:05:00.000Z');
      assert.deepEqual(
        (await newAlerts()).map((a) => [a.rule, a.seq, a.userId]),
        [['own-record', seq, nurse.id]],
      );
    });

    test('views outside working hours and at weekends are flagged, in London time', async () => {
      const { h, newAlerts } = await harness({
        rules: {
          outOfHours: {
            organisations: { RYY02: { start: '00:00', end: '24:00', weekends: false } },
          },
        },
      });
      const clinician = user('Dr Ola Bello');
      const edDoctor = user('Dr Ed Moss', 'RYY02');
      const who = patient(nhsNumber(), 'Hart');
      const flagged = [
        await h.view(clinician, who, '2025-03-04T22:30:00.000Z'), // Tuesday 22:30 GMT
        await h.view(clinician, who, '2025-03-05T06:59:00.000Z'), // Wednesday 06:59 GMT
        await h.view(clinician, who, '2025-03-08T10:00:00.000Z'), // Saturday
        await h.view(clinician, who, '2025-07-01T19:30:00.000Z'), // Tuesday 20:30 BST
      ];
      await h.view(clinician, who, '2025-03-05T07:00:00.000Z'); // Wednesday 07:00 GMT
      await h.view(clinician, who, '2025-01-07T19:30:00.000Z'); // Tuesday 19:30 GMT
      await h.view(clinician, who, '2025-06-30T06:30:00.000Z'); // Monday 07:30 BST
      await h.view(edDoctor, who, '2025-03-08T03:00:00.000Z'); // the ED works around the clock
      const alerts = await newAlerts();
      assert.deepEqual(
        alerts.map((a) => [a.rule, a.seq, a.userId]),
        flagged.map((seq) => ['out-of-hours', seq, clinician.id]),
      );
      assert.match(alerts[2]?.detail ?? '', /Sat 10:00 Europe\/London \(weekend\)/);
      assert.match(alerts[3]?.detail ?? '', /Tue 20:30/);
    });

    test('more than 30 different patients in an hour raises one spike alert, at the 31st', async () => {
      const { h, newAlerts } = await harness();
      const busy = user('Dr Max Rowe');
      const steady = user('Dr Ann Cole');
      const start = Date.parse('2025-03-04T09:00:00.000Z');
      const at = (minute: number) => new Date(start + minute * 60_000).toISOString();
      // Thirty patients, each viewed twice, in 59 minutes: busy but not a spike.
      const thirty = Array.from({ length: 30 }, () => patient(nhsNumber(), 'Ward'));
      for (const [i, who] of thirty.entries()) {
        await h.view(steady, who, at(i));
        await h.view(steady, who, at(i + 29));
      }
      const seqs: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        seqs.push(await h.view(busy, patient(nhsNumber(), 'Ward'), at(i)));
      }
      const alerts = await newAlerts();
      assert.deepEqual(
        alerts.map((a) => [a.rule, a.seq, a.userId]),
        [['view-spike', seqs[30], busy.id]],
      );
      assert.match(alerts[0]?.detail ?? '', /31 different patients within 60 minutes/);
    });

    test('patients viewed more than an hour ago no longer count towards a spike', async () => {
      const { h, newAlerts } = await harness();
      const doctor = user('Dr Eve Hale');
      const start = Date.parse('2025-03-04T09:00:00.000Z');
      const at = (minute: number) => new Date(start + minute * 60_000).toISOString();
      for (let i = 0; i < 25; i += 1) await h.view(doctor, patient(nhsNumber(), 'Lane'), at(i));
      for (let i = 70; i < 95; i += 1) await h.view(doctor, patient(nhsNumber(), 'Lane'), at(i));
      assert.deepEqual(await newAlerts(), []);
    });

    test('a patient viewed again counts from the newest view', async () => {
      const { h, newAlerts } = await harness();
      const doctor = user('Dr Kit Shaw');
      const start = Date.parse('2025-03-04T09:00:00.000Z');
      const at = (minute: number) => new Date(start + minute * 60_000).toISOString();
      const twenty = Array.from({ length: 20 }, () => patient(nhsNumber(), 'Moss'));
      for (const who of twenty) await h.view(doctor, who, at(0));
      for (const who of twenty) await h.view(doctor, who, at(50));
      const seqs: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        seqs.push(await h.view(doctor, patient(nhsNumber(), 'Moss'), at(65 + i)));
      }
      // At 10:15 the hour holds the twenty (seen again at 09:50) and the eleven new ones.
      assert.deepEqual(
        (await newAlerts()).map((a) => [a.rule, a.seq]),
        [['view-spike', seqs[10]]],
      );
    });

    test('the spike window survives a restart: views before and after it are counted together', async () => {
      const { h, newAlerts } = await harness();
      const busy = user('Dr Joy Park');
      const start = Date.parse('2025-03-04T13:00:00.000Z');
      const at = (minute: number) => new Date(start + minute * 60_000).toISOString();
      for (let i = 0; i < 20; i += 1) await h.view(busy, patient(nhsNumber(), 'Ng'), at(i));
      await h.monitor.catchUp();
      h.newMonitor();
      const seqs: number[] = [];
      for (let i = 20; i < 35; i += 1) {
        seqs.push(await h.view(busy, patient(nhsNumber(), 'Ng'), at(i)));
      }
      assert.deepEqual(
        (await newAlerts()).map((a) => [a.rule, a.seq]),
        [['view-spike', seqs[10]]],
      );
    });

    test('a view of a restricted (R) patient is flagged from its completed entry', async () => {
      const { h, newAlerts } = await harness();
      const clinician = user('Dr Li Wei');
      const restricted = patient(nhsNumber(), 'Frost', { restricted: true, address: undefined });
      const seq = await h.view(clinician, restricted, '2025-03-04T11:00:00.000Z');
      await h.view(clinician, patient(nhsNumber(), 'Frost'), '2025-03-04T11:01:00.000Z');
      assert.deepEqual(
        (await newAlerts()).map((a) => [a.rule, a.seq - seq, a.nhsNumber]),
        // The completed entry follows the start entry.
        [['restricted-patient', 1, restricted.nhsNumber]],
      );
    });

    test('a user viewing a patient who shares their surname or postcode is flagged at trace time', async () => {
      const clinician = user('Dr Jane van der Berg (Cardiology)');
      const { h, newAlerts } = await harness(
        {},
        staffDirectoryFrom({ [clinician.username]: { postcode: 'LS1 4AB' } }),
      );
      const sameName = await h.view(
        clinician,
        patient(nhsNumber(), 'VAN DER BERG'),
        '2025-03-04T12:00:00.000Z',
      );
      const sameAccented = await h.view(
        clinician,
        patient(nhsNumber(), 'Bérg'),
        '2025-03-04T12:01:00.000Z',
      );
      await h.view(clinician, patient(nhsNumber(), 'Bergman'), '2025-03-04T12:02:00.000Z');
      const neighbour = await h.view(
        clinician,
        patient(nhsNumber(), 'Hill', { address: { lines: [], postcode: 'ls14ab' } }),
        '2025-03-04T12:03:00.000Z',
      );
      const alerts = await newAlerts();
      assert.deepEqual(
        alerts.map((a) => [a.rule, a.seq]),
        [
          ['same-surname', sameName],
          ['same-surname', sameAccented],
          ['shared-address', neighbour],
        ],
      );
      // Alerts say why without holding the name or the address.
      for (const alert of alerts) assert.doesNotMatch(alert.detail, /berg|hill|ls1/i);
    });

    test('a disabled rule stays quiet', async () => {
      const { h, newAlerts } = await harness({
        rules: { outOfHours: { enabled: false }, restrictedPatient: { enabled: false } },
      });
      await h.view(
        user('Dr Tom Ash'),
        patient(nhsNumber(), 'Vale', { restricted: true }),
        '2025-03-08T23:00:00.000Z',
      );
      assert.deepEqual(await newAlerts(), []);
    });

    test('entries appended while no monitor ran are evaluated after a restart, once', async () => {
      const { h, newAlerts } = await harness();
      const clinician = user('Dr Bo Reid');
      await h.view(clinician, patient(nhsNumber(), 'Shaw'), '2025-03-04T11:00:00.000Z');
      await h.monitor.catchUp();
      const night = await h.view(
        clinician,
        patient(nhsNumber(), 'Shaw'),
        '2025-03-04T23:00:00.000Z',
        {
          traced: false,
        },
      );
      // The process stops before evaluating; the next one starts from the stored cursor.
      const restarted = h.newMonitor();
      assert.equal(await restarted.catchUp(), 2);
      const again = h.newMonitor();
      assert.equal(await again.catchUp(), 0);
      assert.deepEqual(
        (await newAlerts()).map((a) => [a.rule, a.seq]),
        [['out-of-hours', night]],
      );
    });

    test('a normal working day of 200 views by 20 users across 100 patients raises no alert', async () => {
      const staff = Array.from({ length: 20 }, (_, i) =>
        user(
          `Dr Staff${String.fromCharCode(65 + i)} Member${String.fromCharCode(65 + i)}`,
          i % 2 === 0 ? 'RXX01' : 'A81001',
        ),
      );
      const patients = Array.from({ length: 100 }, (_, i) =>
        patient(
          nhsNumber(),
          `Family${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
          {
            address: { lines: ['2 Low Road'], postcode: `NG${(i % 9) + 1} 2BB` },
          },
        ),
      );
      // Each user's own NHS number and postcode are on the directory, and none is a patient here.
      const directory = staffDirectoryFrom(
        Object.fromEntries(
          staff.map((s) => [s.username, { nhsNumber: nhsNumber(), postcode: 'LS2 9JT' }]),
        ),
      );
      const { h, newAlerts } = await harness({}, directory);
      for (const [i, s] of staff.entries()) {
        await h.append({
          action: 'permission-granted',
          time: '2025-03-05T07:30:00.000Z',
          requestId: `req-grant-${i}`,
          actor: auditActor(s),
          outcome: 'success',
          nhsNumber: patients[i]?.nhsNumber ?? '',
          permissionId: `perm-${i}`,
          basis: 'consent',
          method: 'verbal',
          scope: 'user',
          expiresAt: '2025-03-06T07:30:00.000Z',
        });
      }
      // Wednesday 5 March 2025, 08:00–19:00 GMT: each user sees ten patients spread over the day.
      const dayStart = Date.parse('2025-03-05T08:00:00.000Z');
      for (let v = 0; v < 200; v += 1) {
        const s = staff[v % 20];
        const who = patients[(v * 7 + Math.floor(v / 20)) % 100];
        assert.ok(s !== undefined && who !== undefined);
        const time = new Date(dayStart + Math.floor((v / 200) * 11 * 3_600_000)).toISOString();
        await h.view(s, who, time);
      }
      assert.equal((await h.audit.count()) > 400, true);
      assert.deepEqual(await newAlerts(), []);
    });
  });
});
