/**
 * A password sign-in on a browser that already had a session ends that session, as OpenID Connect
 * and SMART sign-ins do: a shared workstation's previous user is not left signed in behind the new
 * one's cookie. A refused sign-in changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

let system: RunningSystem;

before(async () => {
  system = await startSystem({ sims: { size: 2 } });
});
after(async () => {
  await system.close();
});

void describe('a password sign-in on a browser with a session', () => {
  void test('the next person signing in at the same browser ends the previous person’s session', async () => {
    const nurse = await system.createUser('nurse');
    const doctor = await system.createUser('gp');
    const browser = system.client();
    assert.equal((await browser.signIn(nurse.username, nurse.password)).status, 200);
    const nursesCookie = browser.cookie;
    assert.ok(nursesCookie);

    assert.equal((await browser.signIn(doctor.username, doctor.password)).status, 200);
    assert.notEqual(browser.cookie, nursesCookie);
    const now = await browser.get('/api/session');
    assert.equal((now.body as { user: { username: string } }).user.username, doctor.username);

    const copied = system.client();
    copied.cookie = nursesCookie;
    assert.equal((await copied.get('/api/session')).status, 401, 'the nurse’s session has ended');
  });

  void test('a refused sign-in leaves the browser’s session as it was', async () => {
    const nurse = await system.createUser('nurse');
    const browser = system.client();
    assert.equal((await browser.signIn(nurse.username, nurse.password)).status, 200);
    const cookie = browser.cookie;

    assert.equal((await browser.signIn(nurse.username, 'not the password at all')).status, 401);
    assert.equal(browser.cookie, cookie);
    assert.equal((await browser.get('/api/session')).status, 200);
  });
});
