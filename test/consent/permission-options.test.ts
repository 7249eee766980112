/**
 * The choices the permission dialogs offer come from the server (`GET /api/permission-options`),
 * follow its configuration, and are exactly what it accepts: every offered reason and duration is
 * recorded, anything else is refused naming the field.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PermissionOptions } from '../../src/api/permissions.ts';
import { EMERGENCY_REASON_CODES } from '../../src/consent/permission.ts';
import {
  outcomeCode,
  startSystem,
  type ApiClient,
  type ApiResponse,
  type RunningSystem,
} from '../support/running-system.ts';

function expression(response: ApiResponse): string | undefined {
  const outcome = response.body as { issue?: { expression?: string[] }[] } | undefined;
  return outcome?.issue?.[0]?.expression?.[0];
}

describe('the permission options offered are the ones the server accepts', () => {
  let system: RunningSystem;
  let nurse: ApiClient;
  let options: PermissionOptions;
  let patient = 10;
  const nextPatient = () => system.sims.population.nhsNumberAt((patient += 1));

  before(async () => {
    system = await startSystem({
      config: { permissions: { defaultHours: 12, maxHours: 48, emergencyHours: 2 } },
    });
    const account = await system.createUser('nurse');
    nurse = system.client();
    assert.equal((await nurse.signIn(account.username, account.password)).status, 200);
    const response = await nurse.get('/api/permission-options');
    assert.equal(response.status, 200, response.text);
    options = response.body as PermissionOptions;
  });

  after(async () => {
    await system?.close();
  });

  test('the durations follow the configuration: emergency access lasts 2 hours by default and at most', () => {
    assert.equal(options.emergency.defaultHours, 2);
    assert.equal(options.emergency.maxHours, 2);
    assert.deepEqual(options.emergency.hours, [1, 2]);
    assert.equal(options.consent.defaultHours, 12);
    assert.equal(options.consent.maxHours, 48);
    assert.ok(options.consent.hours.every((hours) => hours <= 48));
    assert.ok(options.consent.hours.includes(12) && options.consent.hours.includes(48));
  });

  test('the emergency reasons are the codes the server accepts, each in words', () => {
    assert.deepEqual(
      options.emergency.reasons.map((reason) => reason.code),
      [...EMERGENCY_REASON_CODES],
    );
    assert.ok(options.emergency.reasons.every((reason) => reason.label.length > 0));
  });

  test('every reason and duration offered is recorded (201)', async () => {
    for (const reason of options.emergency.reasons) {
      for (const durationHours of options.emergency.hours) {
        const response = await nurse.post(`/api/patients/${nextPatient()}/permissions`, {
          basis: 'emergency',
          reasonCode: reason.code,
          reason: 'Brought in unconscious.',
          durationHours,
        });
        assert.equal(response.status, 201, `${reason.code} ${durationHours}h: ${response.text}`);
      }
    }
    for (const durationHours of options.consent.hours) {
      const response = await nurse.post(`/api/patients/${nextPatient()}/permissions`, {
        basis: 'consent',
        method: 'verbal',
        givenBy: 'patient',
        durationHours,
      });
      assert.equal(response.status, 201, `${durationHours}h: ${response.text}`);
    }
  });

  test('a reason code not offered is refused, naming reasonCode; so is emergency access past its maximum', async () => {
    const nhsNumber = nextPatient();
    const unknown = await nurse.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'curious',
      reason: 'Wanted to look.',
    });
    assert.equal(unknown.status, 400);
    assert.equal(outcomeCode(unknown.body), 'INVALID_PERMISSION');
    assert.equal(expression(unknown), 'reasonCode');

    const tooLong = await nurse.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Brought in unconscious.',
      durationHours: 4,
    });
    assert.equal(tooLong.status, 400);
    assert.equal(expression(tooLong), 'durationHours');
    assert.deepEqual(await system.app.services.permissions.listForPatient(nhsNumber), []);
  });

  test('the options need a session', async () => {
    const response = await system.client().get('/api/permission-options');
    assert.equal(response.status, 401);
  });
});
