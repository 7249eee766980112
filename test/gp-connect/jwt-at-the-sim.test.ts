/**
 * What the practice receives from a real record view: every Spine header and every JWT claim,
 * decoded at the simulated GP Connect provider, taken from the signed-in clinician.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GpConnectStats } from '../../sim/servers/gp-connect-server.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

let system: RunningSystem;
before(async () => {
  system = await startSystem();
});
after(async () => {
  await system.close();
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const identifierValue = (resource: unknown, system: string): unknown =>
  (resource as { identifier?: { system?: string; value?: string }[] }).identifier?.find(
    (id) => id.system === system,
  )?.value;

test('each call carries fresh Spine headers and a fresh JWT whose claims are the signed-in clinician’s', async () => {
  const user = await system.app.services.accounts.add({
    username: 'dr-sds',
    displayName: 'Dr Ada Lovelace',
    role: 'hospital-clinician',
    organisation: 'RXX01',
    password: 'correct horse battery staple',
    sdsUserId: '555000000123',
    sdsRoleProfileId: '555000000123001',
  });
  const client = system.client();
  await client.signIn('dr-sds', 'correct horse battery staple');
  const nhsNumber = PERSONAS.find((persona) => persona.key === 'typical')?.nhsNumber ?? '';
  await client.post(`/api/patients/${nhsNumber}/permissions`, {
    basis: 'consent',
    method: 'verbal',
    givenBy: 'patient',
  });
  assert.equal((await client.get(`/api/patients/${nhsNumber}/record`)).status, 200);
  assert.equal((await client.get(`/api/patients/${nhsNumber}/record`)).status, 200);

  const practice = system.sims.practices.find((candidate) => candidate.ods === 'A81001');
  assert.ok(practice !== undefined);
  const stats = system.sims.stats[practice.id] as GpConnectStats;
  const calls = stats.recent.filter((call) =>
    call.path.endsWith('/Patient/$gpc.getstructuredrecord'),
  );
  assert.equal(calls.length, 2, 'one call per view, no retries');

  for (const call of calls) {
    assert.match(call.headers['ssp-traceid'] ?? '', uuid);
    assert.equal(call.headers['ssp-from'], system.config.consumer.asid);
    assert.equal(call.headers['ssp-to'], practice.asid);
    assert.equal(
      call.headers['ssp-interactionid'],
      'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    );
    assert.match(call.headers['accept'] ?? '', /^application\/fhir\+json/);
    assert.match(call.headers['content-type'] ?? '', /^application\/fhir\+json/);
    assert.deepEqual(call.jwtHeader, { alg: 'none', typ: 'JWT' });

    const claims = call.claims ?? {};
    assert.equal(typeof claims['iss'], 'string');
    assert.equal(claims['aud'], practice.url);
    assert.equal(claims['exp'], Number(claims['iat']) + 300);
    assert.equal(claims['reason_for_request'], 'directcare');
    assert.match(String(claims['requested_scope']), /^patient\/\*\.read/);

    const practitioner = claims['requesting_practitioner'] as { id?: string };
    assert.equal(claims['sub'], practitioner.id);
    assert.equal(
      identifierValue(practitioner, 'https://fhir.nhs.uk/Id/sds-user-id'),
      '555000000123',
    );
    assert.equal(
      identifierValue(practitioner, 'https://fhir.nhs.uk/Id/sds-role-profile-id'),
      '555000000123001',
    );
    assert.match(JSON.stringify(practitioner), /Lovelace/);
    assert.equal(
      identifierValue(
        claims['requesting_organization'],
        'https://fhir.nhs.uk/Id/ods-organization-code',
      ),
      user.organisation,
    );
    assert.equal((claims['requesting_device'] as { resourceType?: string }).resourceType, 'Device');
  }
  const [first, second] = calls;
  assert.notEqual(first?.headers['ssp-traceid'], second?.headers['ssp-traceid']);
});
