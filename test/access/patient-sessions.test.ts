import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  createPatientSessions,
  type PatientSessions,
} from '../../src/access/nhs-login/patient-sessions.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';

forEachStore((_dialect, open) => {
  void describe('patient sessions', () => {
    let store: Store;
    let clock = new Date('2025-03-03T08:00:00.000Z');
    let sessions: PatientSessions;
    const patient = {
      nhsNumber: '9990000107',
      subject: 'nhs-login-subject-0107',
      proofingLevel: 'P9' as const,
    };

    before(async () => {
      store = await open();
      sessions = createPatientSessions({
        db: store.db,
        now: () => clock,
        idleTimeoutMinutes: 15,
        absoluteTimeoutHours: 12,
      });
    });
    after(async () => {
      await store.close();
    });

    void test('a patient reading their pages in a burst writes the idle timer once; the timer runs from that write', async () => {
      const created = await sessions.create(patient);
      const seenAt = async (): Promise<string | undefined> =>
        (
          await store.db
            .selectFrom('patient_sessions')
            .select('last_seen_at')
            .where('id', '=', createHash('sha256').update(created.token, 'utf8').digest('hex'))
            .executeTakeFirst()
        )?.last_seen_at;
      const signedIn = await seenAt();
      // Ten pages within 20 seconds of signing in: the stored time is not rewritten.
      for (let i = 0; i < 10; i += 1) {
        clock = new Date(clock.getTime() + 2_000);
        const resolved = await sessions.resolve(created.token);
        assert.ok(resolved !== undefined && 'patient' in resolved);
        assert.equal(resolved.patient.nhsNumber, '9990000107');
      }
      assert.equal(await seenAt(), signedIn);
      // Thirty seconds on, the next page writes it.
      clock = new Date(clock.getTime() + 10_000);
      await sessions.resolve(created.token);
      assert.equal(await seenAt(), clock.toISOString());
      // Idle for 15 minutes after that write: ended, and gone.
      clock = new Date(clock.getTime() + 15 * 60_000);
      assert.deepEqual(await sessions.resolve(created.token), { expired: 'idle' });
      assert.equal(await sessions.resolve(created.token), undefined);
    });
  });
});
