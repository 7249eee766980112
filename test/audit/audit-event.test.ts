import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_ACTIONS, auditableUsername, checkAuditEvent } from '../../src/audit/audit-event.ts';
import { oneOfEach, recordViewCompleted, recordViewStarted } from './sample-events.ts';

function errorsOf(value: unknown): string {
  const check = checkAuditEvent(value);
  if (check.ok) return assert.fail('expected the event to be refused');
  return check.errors.join('\n');
}

void describe('what an audit event may hold', () => {
  void test('one well-formed event of every action is accepted', () => {
    const events = oneOfEach();
    assert.deepEqual(new Set(events.map((e) => e.action)), new Set(AUDIT_ACTIONS));
    for (const event of events) {
      const check = checkAuditEvent(event);
      assert.ok(check.ok, `${event.action}: ${check.ok ? '' : check.errors.join('; ')}`);
    }
  });

  void test('an extra property (say, a medication name) is refused, at the top level or nested', () => {
    assert.match(
      errorsOf({ ...recordViewStarted(), medication: 'Amoxicillin 500mg capsules' }),
      /medication|additional/i,
    );
    const completed = recordViewCompleted();
    const smuggled = {
      ...completed,
      sources: [{ ...completed.sources[0], diagnosis: 'Type 2 diabetes' }],
    };
    assert.match(errorsOf(smuggled), /sources\/0/);
    assert.match(errorsOf({ ...completed, withheld: { medications: 1, notes: 2 } }), /withheld/);
    assert.match(errorsOf({ ...completed, actor: { ...completed.actor, note: 'x' } }), /actor/);
  });

  void test('free text cannot be passed off as a code, an id or an NHS number', () => {
    const completed = recordViewCompleted();
    const source = completed.sources[0];
    assert.ok(source !== undefined);
    assert.match(
      errorsOf({ ...completed, sources: [{ ...source, warnings: ['patient has HIV'] }] }),
      /warnings/,
    );
    assert.match(
      errorsOf({ ...completed, sources: [{ ...source, errorCode: 'Left leg amputation' }] }),
      /errorCode/,
    );
    assert.match(errorsOf({ ...completed, nhsNumber: 'Jane Smith' }), /nhsNumber/);
    assert.match(errorsOf({ ...completed, requestId: 'a b' }), /requestId/);
    assert.match(errorsOf({ ...completed, sources: [{ ...source, status: 'fine' }] }), /status/);
  });

  void test('counts must be whole, non-negative numbers', () => {
    assert.match(errorsOf({ ...recordViewCompleted(), withheld: { medications: -1 } }), /withheld/);
    assert.match(errorsOf({ ...recordViewCompleted(), elapsedMs: 1.5 }), /elapsedMs/);
  });

  void test('an unknown action, a missing field or a non-UTC time is refused', () => {
    assert.match(
      errorsOf({ ...recordViewStarted(), action: 'record-photocopied' }),
      /unknown action/,
    );
    assert.match(errorsOf(null), /action/);
    const withoutBasis: Record<string, unknown> = { ...recordViewStarted() };
    delete withoutBasis['basis'];
    assert.match(errorsOf(withoutBasis), /basis/);
    assert.match(errorsOf({ ...recordViewStarted(), time: '04/03/2025 10:15' }), /time/);
  });

  void test('a failed sign-in names no actor, and a successful one must', () => {
    const failed = oneOfEach().find((e) => e.action === 'sign-in-failed');
    assert.ok(failed);
    assert.match(errorsOf({ ...failed, actor: recordViewStarted().actor }), /actor/);
    const signIn = oneOfEach().find((e) => e.action === 'sign-in');
    assert.ok(signIn);
    assert.match(errorsOf({ ...signIn, actor: null }), /actor/);
  });

  void test('whatever is typed as a user name is made safe to audit', () => {
    assert.equal(auditableUsername('  amara okafor\n'), 'amaraokafor');
    assert.equal(auditableUsername('\u0000\t'), '(empty)');
    assert.equal(auditableUsername('x'.repeat(500)).length, 64);
    const failed = oneOfEach().find((e) => e.action === 'sign-in-failed');
    assert.ok(failed);
    assert.ok(
      checkAuditEvent({ ...failed, attemptedUsername: auditableUsername('😀'.repeat(200)) }).ok,
    );
  });
});
