/**
 * The record says which sections the role's policy hides (`hiddenSections`), in the JSON view and
 * in the stream's `started` event, so the page can say "not available to your role" rather than
 * "nothing returned"; a role that sees everything has none hidden.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../../src/shared/roles.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { startSystem, type ApiClient, type RunningSystem } from '../support/running-system.ts';

const nhsNumber =
  PERSONAS.find((persona) => persona.key === 'discharge-medicines-differ')?.nhsNumber ?? '';

describe('the sections a role may not see are named in the record', () => {
  let system: RunningSystem;

  before(async () => {
    system = await startSystem();
  });

  after(async () => {
    await system?.close();
  });

  async function withPermission(role: Role): Promise<ApiClient> {
    const account = await system.createUser(role);
    const client = system.client();
    assert.equal((await client.signIn(account.username, account.password)).status, 200);
    const granted = await client.post(`/api/patients/${nhsNumber}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    return client;
  }

  test('a social worker’s record names investigations as hidden, and holds none', async () => {
    const client = await withPermission('social-worker');
    const response = await client.get(`/api/patients/${nhsNumber}/record`);
    assert.equal(response.status, 200, response.text);
    const record = response.body as {
      hiddenSections: string[];
      sections: Record<string, unknown[]>;
    };
    assert.deepEqual(record.hiddenSections, ['investigations']);
    assert.deepEqual(record.sections['investigations'], []);
  });

  test('the stream’s started event names them too', async () => {
    const client = await withPermission('social-worker');
    const response = await client.request(
      'GET',
      `/api/patients/${nhsNumber}/record/stream`,
      undefined,
      {
        accept: 'text/event-stream',
      },
    );
    assert.equal(response.status, 200);
    const started = /event: started\ndata: (.*)\n/.exec(response.text)?.[1];
    assert.ok(started !== undefined, response.text.slice(0, 200));
    assert.deepEqual((JSON.parse(started) as { hiddenSections: string[] }).hiddenSections, [
      'investigations',
    ]);
  });

  test('a GP, who sees every section, has none hidden', async () => {
    const client = await withPermission('gp');
    const response = await client.get(`/api/patients/${nhsNumber}/record`);
    assert.deepEqual((response.body as { hiddenSections: string[] }).hiddenSections, []);
  });
});
