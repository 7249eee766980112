/**
 * @module Patient sign-in with `private_key_jwt` client authentication (NHS login's requirement
 * for real services): My Care Record signs its token request with the key in
 * `nhsLogin.privateKeyFile` (RS512), and the simulated NHS login (a real `oidc-provider`) accepts
 * only that. A client signing with another key is not signed in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import {
  NHS_LOGIN_SCOPES,
  startNhsLoginSim,
  type RunningNhsLoginSim,
} from '../../sim/servers/nhs-login-server.ts';
import { RedirectFollowingClient } from '../oidc/redirect-following-client.ts';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

async function keyFile(dir: string, name: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS512', { extractable: true });
  const path = join(dir, name);
  writeFileSync(path, await exportPKCS8(privateKey));
  return { path, jwk: { ...(await exportJWK(publicKey)), alg: 'RS512', use: 'sig' } };
}

describe('NHS login with private_key_jwt client authentication', () => {
  let nhsLogin: RunningNhsLoginSim;
  let system: RunningSystem;
  let impostor: RunningSystem;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcr-nhs-login-key-'));
    const ours = await keyFile(dir, 'client-key.pem');
    const other = await keyFile(dir, 'other-key.pem');
    nhsLogin = await startNhsLoginSim({ clientJwks: { keys: [ours.jwk] } });
    const settings = (privateKeyFile: string) => ({
      sims: { size: 10 },
      config: {
        nhsLogin: {
          issuer: nhsLogin.issuer,
          clientId: nhsLogin.clientId,
          privateKeyFile,
          scopes: NHS_LOGIN_SCOPES,
        },
      },
    });
    system = await startSystem(settings(ours.path));
    impostor = await startSystem(settings(other.path));
    nhsLogin.registerClient(new URL('/auth/nhs-login/callback', system.url).href);
  });

  after(async () => {
    await system.close();
    await impostor.close();
    await nhsLogin.close();
  });

  test('a patient signs in when the token request is signed with the registered key', async () => {
    const browser = new RedirectFollowingClient();
    const start = await browser.follow(new URL('/auth/nhs-login/login', system.url).href);
    assert.ok(start.url.startsWith(nhsLogin.issuer), start.url);
    const back = await browser.submitForm(start, { login: 'margaret.oakley', password: 'any' });
    assert.equal(back.url, new URL('/patient', system.url).href);
    const session = await browser.request(new URL('/api/patient/session', system.url).href, {
      accept: 'application/json',
    });
    assert.equal(session.status, 200, session.text);
    assert.match(session.text, /999 000 0107/);
  });

  test('a client signing with another key is refused by NHS login, and nobody is signed in', async () => {
    const before = await impostor.app.services.audit.list({
      action: 'patient-sign-in-failed',
      limit: 10,
    });
    // The same client id, now coming back to the impostor: only its key is wrong.
    nhsLogin.registerClient(new URL('/auth/nhs-login/callback', impostor.url).href);
    const browser = new RedirectFollowingClient();
    const start = await browser.follow(new URL('/auth/nhs-login/login', impostor.url).href);
    const refused = await browser.submitForm(start, { login: 'margaret.oakley', password: 'any' });
    assert.notEqual(refused.url, new URL('/patient', impostor.url).href);
    const session = await browser.request(new URL('/api/patient/session', impostor.url).href, {
      accept: 'application/json',
    });
    assert.equal(session.status, 401);
    const after = await impostor.app.services.audit.list({
      action: 'patient-sign-in-failed',
      limit: 10,
    });
    assert.equal(after.length, before.length + 1);
    const failed = after.find((r) => !before.some((b) => b.seq === r.seq))?.entry.event;
    assert.ok(failed?.action === 'patient-sign-in-failed');
    // The token endpoint's invalid_client answer fails the OpenID Connect client's checks.
    assert.equal(failed.reasonCode, 'response-invalid');
  });
});
