/** @module The `oidc` configuration: absent means local accounts only; mistakes stop the start, named. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readClientSecret } from '../../src/access/oidc/oidc-sign-in.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mcr-oidc-config-'));

function config(oidc?: Record<string, unknown>) {
  return loadConfig({
    base: {
      demographics: { url: 'http://127.0.0.1:9' },
      dataDir,
      logging: { level: 'silent' },
      ...(oidc === undefined ? {} : { oidc }),
    },
    env: {},
  });
}

const valid = {
  issuer: 'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc',
  clientId: 'mcr',
  clientSecret: 'secret',
  displayName: 'NHS CIS2',
  claims: { role: 'mcr_role', organisation: 'ods' },
};

describe('configuring sign-in through OpenID Connect', () => {
  test('without an oidc section only local accounts are offered and the provider routes do not exist', async () => {
    const app = await buildApp(config());
    try {
      const providers = await app.server.inject({ url: '/api/auth/providers' });
      assert.deepEqual(providers.json(), { providers: [] });
      const login = await app.server.inject({ url: '/auth/oidc/login' });
      assert.equal(login.statusCode, 404);
    } finally {
      await app.close();
    }
  });

  test('defaults fill in the scopes, the claims for names, and creating users', () => {
    const oidc = config(valid).oidc;
    assert.equal(oidc?.scopes, 'openid profile email');
    assert.equal(oidc?.claims.username, 'sub');
    assert.equal(oidc?.claims.displayName, 'name');
    assert.equal(oidc?.createUsers, true);
  });

  test('a role mapping to a role we do not have stops the start, naming the key', () => {
    assert.throws(
      () =>
        config({
          ...valid,
          claims: { role: { claim: 'roles', values: { R8000: 'surgeon' } }, organisation: 'ods' },
        }),
      /oidc\.claims\.role/,
    );
  });

  test('a provider over plain http is refused unless it is on this machine', () => {
    assert.throws(() => config({ ...valid, issuer: 'http://idp.example.org' }), /oidc\.issuer/);
    assert.equal(
      config({ ...valid, issuer: 'http://127.0.0.1:4000' }).oidc?.issuer,
      'http://127.0.0.1:4000',
    );
  });

  test('the client secret may come from a file, but not from both places', () => {
    const file = join(dataDir, 'oidc-secret');
    writeFileSync(file, 'from-a-file\n');
    const fromFile = config({ ...valid, clientSecret: undefined, clientSecretFile: file }).oidc;
    assert.ok(fromFile);
    assert.equal(readClientSecret(fromFile), 'from-a-file');
    const both = config({ ...valid, clientSecretFile: file }).oidc;
    assert.ok(both);
    assert.throws(() => readClientSecret(both), /give one, not both/);
    const missing = config({
      ...valid,
      clientSecret: undefined,
      clientSecretFile: join(dataDir, 'nope'),
    }).oidc;
    assert.ok(missing);
    assert.throws(() => readClientSecret(missing), /oidc\.clientSecretFile/);
  });
});
