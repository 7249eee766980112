import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toFhirAuditEvent, AUDIT_CHAIN_EXTENSION_URL } from '../../src/audit/audit-event-fhir.ts';
import type { AuditEntry, AuditEvent } from '../../src/audit/audit-event.ts';
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import { oneOfEach, recordViewCompleted } from './sample-events.ts';

const HASH = 'ab'.repeat(32);
const server = { name: 'mcr-test', address: 'mcr.example.nhs.uk' };

function render(event: AuditEvent, seq = 42): fhir4.AuditEvent {
  const entry: AuditEntry = { v: 1, seq, recordedAt: '2025-03-04T10:15:02.000Z', event };
  return toFhirAuditEvent(entry, seq, HASH, server);
}

function agentByType(audit: fhir4.AuditEvent, code: string): fhir4.AuditEventAgent | undefined {
  return audit.agent.find((a) => a.type?.coding?.some((c) => c.code === code));
}

function entityByRole(audit: fhir4.AuditEvent, code: string): fhir4.AuditEventEntity | undefined {
  return audit.entity?.find((e) => e.role?.code === code);
}

void describe('audit entries as FHIR AuditEvents', () => {
  void test('a completed record view is a BALP PatientQuery naming user, client, server, patient, query and request', () => {
    const event = recordViewCompleted();
    const audit = render(event);
    assert.equal(audit.resourceType, 'AuditEvent');
    assert.equal(audit.id, '42');
    assert.deepEqual(audit.type, {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'Restful Operation',
    });
    assert.equal(audit.subtype?.[0]?.code, 'search');
    assert.equal(audit.action, 'E');
    assert.equal(audit.outcome, '0');
    assert.equal(audit.recorded, '2025-03-04T10:15:02.000Z');

    const user = agentByType(audit, 'IRCP');
    assert.ok(user);
    assert.equal(user.requestor, true);
    assert.equal(user.who?.identifier?.value, '555000000001');
    assert.equal(user.name, 'Dr Amara Okafor');
    assert.ok(user.role?.some((r) => r.coding?.some((c) => c.code === 'clinician')));
    assert.equal(user.purposeOfUse?.[0]?.coding?.[0]?.code, 'TREAT');
    assert.equal(agentByType(audit, 'PROV')?.who?.identifier?.value, 'A81001');
    const clientAgent = agentByType(audit, '110153');
    assert.ok(clientAgent);
    assert.deepEqual(clientAgent.network, { address: '192.0.2.10', type: '2' });
    assert.equal(clientAgent.requestor, false);
    assert.deepEqual(agentByType(audit, '110152')?.network, {
      address: 'mcr.example.nhs.uk',
      type: '1',
    });

    const patient = entityByRole(audit, '1');
    assert.ok(patient);
    assert.deepEqual(patient.what, {
      type: 'Patient',
      identifier: { system: NHS_NUMBER_SYSTEM, value: '9990000018' },
    });
    assert.deepEqual(patient.detail, [{ type: 'withheld:medications', valueString: '1' }]);
    const query = entityByRole(audit, '24');
    assert.ok(query?.query !== undefined);
    assert.match(Buffer.from(query.query, 'base64').toString('utf8'), /9990000018/);
    const transaction = audit.entity?.find((e) => e.type?.code === 'XrequestId');
    assert.equal(transaction?.what?.identifier?.value, event.requestId);
    assert.ok(audit.entity?.some((e) => e.what?.reference === 'Consent/perm-1'));

    const sources = audit.entity?.filter((e) => e.role?.code === '3') ?? [];
    assert.deepEqual(
      sources.map((s) => [s.what?.identifier?.value, s.description]),
      [
        ['gp-a81001', 'answered'],
        ['hospital-rx1', 'timed-out'],
      ],
    );
    assert.ok(
      sources[0]?.detail?.some((d) => d.type === 'count:medications' && d.valueString === '7'),
    );
    assert.ok(
      sources[1]?.detail?.some((d) => d.type === 'errorCode' && d.valueString === 'TIMEOUT'),
    );
    // Items left out as not this patient's are counted in the export too.
    assert.ok(sources[0]?.detail?.some((d) => d.type === 'dropped' && d.valueString === '1'));

    const chain = audit.extension?.find((x) => x.url === AUDIT_CHAIN_EXTENSION_URL);
    assert.deepEqual(chain?.extension, [
      { url: 'seq', valueInteger: 42 },
      { url: 'hash', valueString: HASH },
    ]);
  });

  void test('an emergency view is marked as emergency treatment', () => {
    const audit = render({
      ...recordViewCompleted(),
      basis: { permissionId: 'perm-9', basis: 'emergency' },
    });
    assert.equal(audit.purposeOfEvent?.[0]?.coding?.[0]?.code, 'ETREAT');
    assert.ok(audit.entity?.some((e) => e.what?.reference === 'Consent/perm-9'));
  });

  void test('sign-in is DICOM User Authentication, and a failed one has a failure outcome and no user id', () => {
    const events = oneOfEach();
    const signIn = render(events.find((e) => e.action === 'sign-in') ?? assert.fail());
    assert.equal(signIn.type.code, '110114');
    assert.equal(signIn.type.system, 'http://dicom.nema.org/resources/ontology/DCM');
    assert.equal(signIn.subtype?.[0]?.code, '110122');
    assert.equal(signIn.outcome, '0');
    const failed = render(events.find((e) => e.action === 'sign-in-failed') ?? assert.fail());
    assert.equal(failed.type.code, '110114');
    assert.equal(failed.outcome, '4');
    assert.equal(failed.outcomeDesc, 'bad-credentials');
    assert.equal(agentByType(failed, 'humanuser')?.altId, 'amara.okafr');
    const signOut = render(events.find((e) => e.action === 'sign-out') ?? assert.fail());
    assert.equal(signOut.subtype?.[0]?.code, '110123');
  });

  void test('a permission names its Consent, and a refused access is a security alert', () => {
    const events = oneOfEach();
    const granted = render(events.find((e) => e.action === 'permission-granted') ?? assert.fail());
    assert.equal(granted.action, 'C');
    assert.ok(granted.entity?.some((e) => e.what?.reference === 'Consent/perm-1'));
    const withdrawn = render(
      events.find((e) => e.action === 'permission-withdrawn') ?? assert.fail(),
    );
    assert.equal(withdrawn.action, 'U');
    const denied = render(events.find((e) => e.action === 'access-denied') ?? assert.fail());
    assert.equal(denied.type.code, '110113');
    assert.equal(denied.outcome, '4');
    assert.equal(denied.outcomeDesc, 'no-permission');
  });

  void test('every action renders with the server, the client and the request id', () => {
    for (const event of oneOfEach()) {
      const audit = render(event);
      assert.ok(agentByType(audit, '110152'), event.action);
      assert.ok(agentByType(audit, '110153'), event.action);
      assert.ok(
        audit.entity?.some((e) => e.what?.identifier?.value === event.requestId),
        event.action,
      );
      assert.equal(audit.source.observer.display, 'mcr-test');
    }
  });
});
