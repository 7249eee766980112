import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { createFhirR4Connector } from '../../../src/sources/fhir-r4/fhir-r4-connector.ts';
import { fetchSource } from '../../../src/http/fetch-source.ts';
import { CLIENT_ASSERTION_TYPE } from '../../../src/sources/auth/smart-backend-token.ts';
import type { SourceConfig } from '../../../src/config/config-schema.ts';
import type { Connector, SourceRequest } from '../../../src/sources/source-result.ts';
import { startLoopback, sendJson, type Loopback } from '../loopback.ts';

const NHS = '9990000018';
const CLIENT_ID = 'my-care-record';
const SCOPE = 'system/*.read';
const PATIENT: fhir4.Patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS }],
};
const CONDITION: fhir4.Condition = {
  resourceType: 'Condition',
  id: 'cond-1',
  subject: { reference: 'Patient/pat-1' },
  code: { text: 'Asthma' },
};

const dir = mkdtempSync(join(tmpdir(), 'mcr-smart-'));
const servers: Loopback[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

interface KeyPair {
  readonly file: string;
  readonly publicKey: KeyObject;
}

function keyPair(name: string, kind: 'rsa' | 'ec'): KeyPair {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const file = join(dir, `${name}.pem`);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { file, publicKey };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** A SMART token endpoint that trusts one public key and issues bearer tokens. */
interface TokenEndpoint {
  readonly url: string;
  readonly issued: Set<string>;
  /** Each token request: its form fields and whether the assertion verified. */
  readonly seen: { form: URLSearchParams; contentType: string; verified: boolean; kid?: string }[];
  expiresIn: number;
  delayMs: number;
  hang: boolean;
}

/** `now` is the endpoint's clock, shared with the connector when a test moves time. */
async function tokenEndpoint(
  trusted: KeyPair,
  algorithm: 'RS384' | 'ES384',
  now: () => Date = () => new Date(),
): Promise<TokenEndpoint> {
  const jtis = new Set<string>();
  const endpoint: TokenEndpoint = {
    url: '',
    issued: new Set(),
    seen: [],
    expiresIn: 300,
    delayMs: 0,
    hang: false,
  };
  const server = await startLoopback((req, res) => {
    void (async () => {
      const form = new URLSearchParams(await readBody(req));
      if (endpoint.hang) return;
      const record: TokenEndpoint['seen'][number] = {
        form,
        contentType: req.headers['content-type'] ?? '',
        verified: false,
      };
      endpoint.seen.push(record);
      const assertion = form.get('client_assertion') ?? '';
      try {
        const { payload } = await jwtVerify(assertion, trusted.publicKey, {
          issuer: CLIENT_ID,
          subject: CLIENT_ID,
          audience: `${server.url}/token`,
          algorithms: [algorithm],
          requiredClaims: ['jti', 'exp'],
          currentDate: now(),
        });
        const kid = decodeProtectedHeader(assertion).kid;
        if (kid !== undefined) record.kid = kid;
        const jti = payload.jti ?? '';
        const lifetime = (payload.exp ?? 0) - Math.floor(now().getTime() / 1000);
        if (jtis.has(jti) || lifetime > 300) throw new Error('replayed or too long-lived');
        jtis.add(jti);
        record.verified = true;
      } catch {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE
      ) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_request' }));
        return;
      }
      const token = `token-${endpoint.issued.size + 1}-${Math.random().toString(36).slice(2)}`;
      endpoint.issued.add(token);
      await new Promise((resolve) => setTimeout(resolve, endpoint.delayMs));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          access_token: token,
          token_type: 'bearer',
          expires_in: endpoint.expiresIn,
          scope: form.get('scope'),
        }),
      );
    })();
  });
  servers.push(server);
  return Object.assign(endpoint, { url: `${server.url}/token` });
}

/** A FHIR R4 server answering the patient search and Condition, only for tokens the endpoint issued and not revoked. */
async function fhirServer(endpoint: TokenEndpoint): Promise<Loopback & { revoked: Set<string> }> {
  const revoked = new Set<string>();
  const server = await startLoopback((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!endpoint.issued.has(token) || revoked.has(token)) {
      sendJson(res, 401, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login' }],
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://loopback');
    const entries =
      url.pathname === '/fhir/Patient'
        ? url.searchParams.get('identifier') === `https://fhir.nhs.uk/Id/nhs-number|${NHS}`
          ? [PATIENT]
          : []
        : url.pathname === '/fhir/Condition'
          ? [CONDITION]
          : [];
    sendJson(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: entries.map((resource) => ({ resource, search: { mode: 'match' } })),
    });
  });
  servers.push(server);
  return Object.assign(server, { revoked });
}

function source(
  fhir: Loopback,
  endpoint: TokenEndpoint,
  key: KeyPair,
  extra: Partial<{ algorithm: 'RS384' | 'ES384'; keyId: string; timeoutMs: number }> = {},
): SourceConfig {
  return {
    id: 'northfield',
    name: 'Northfield Hospital EPR',
    organisation: 'RX1',
    kind: 'fhir-r4',
    url: `${fhir.url}/fhir`,
    timeoutMs: extra.timeoutMs ?? 2000,
    maxResponseBytes: 1024 * 1024,
    setting: 'hospital',
    resourceTypes: ['Condition'],
    pageSize: 100,
    maxPages: 5,
    auth: {
      type: 'smart-backend',
      tokenUrl: endpoint.url,
      clientId: CLIENT_ID,
      privateKeyFile: key.file,
      algorithm: extra.algorithm ?? 'RS384',
      scope: SCOPE,
      ...(extra.keyId === undefined ? {} : { keyId: extra.keyId }),
    },
  };
}

function request(): SourceRequest {
  return {
    patient: { nhsNumber: NHS },
    user: {
      id: 'u1',
      username: 'dr.okafor',
      displayName: 'Dr Okafor',
      role: 'clinician',
      organisation: 'RX1',
    },
    requestId: 'req-1',
  };
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => Date; advance(ms: number): void } {
  let at = Date.parse('2025-03-01T09:00:00Z');
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms;
    },
  };
}

function authHeadersSeen(fhir: Loopback): string[] {
  return fhir.requests.map((r) => r.headers.authorization ?? '');
}

describe('a FHIR R4 source signed in to with SMART Backend Services', () => {
  let rsa: KeyPair;
  let stranger: KeyPair;
  let ec: KeyPair;
  before(() => {
    rsa = keyPair('rsa', 'rsa');
    stranger = keyPair('stranger', 'rsa');
    ec = keyPair('ec', 'ec');
  });

  test('the hospital record is read with an access token from the sign-in service', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({ source: source(fhir, endpoint, rsa), fetchSource });
    const result = await connector.fetchRecord(request());
    assert.equal(result.status, 'answered', result.message);
    assert.deepEqual(
      result.payload?.format === 'fhir-r4' ? result.payload.resources.map((r) => r.id) : [],
      ['pat-1', 'cond-1'],
    );
    assert.equal(endpoint.seen.length, 1);
    const [seen] = endpoint.seen;
    assert.equal(seen?.verified, true);
    assert.equal(seen?.contentType, 'application/x-www-form-urlencoded');
    assert.equal(seen?.form.get('scope'), SCOPE);
    const [token] = [...endpoint.issued];
    assert.deepEqual(authHeadersSeen(fhir), [`Bearer ${token}`, `Bearer ${token}`]);
  });

  test('an EC P-384 key signs ES384 assertions carrying the key id', async () => {
    const endpoint = await tokenEndpoint(ec, 'ES384');
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({
      source: source(fhir, endpoint, ec, { algorithm: 'ES384', keyId: 'mcr-2025-03' }),
      fetchSource,
    });
    const result = await connector.fetchRecord(request());
    assert.equal(result.status, 'answered', result.message);
    assert.equal(endpoint.seen[0]?.verified, true);
    assert.equal(endpoint.seen[0]?.kid, 'mcr-2025-03');
  });

  test('the access token is reused until shortly before it expires, then renewed', async () => {
    const clock = manualClock();
    const endpoint = await tokenEndpoint(rsa, 'RS384', clock.now);
    endpoint.expiresIn = 600;
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({
      source: source(fhir, endpoint, rsa),
      fetchSource,
      now: clock.now,
    });
    assert.equal((await connector.fetchRecord(request())).status, 'answered');
    clock.advance(500_000);
    assert.equal((await connector.fetchRecord(request())).status, 'answered');
    assert.equal(endpoint.seen.length, 1, 'one token for two views within its life');
    clock.advance(80_000); // 580 s: inside the 30 s before expiry
    assert.equal((await connector.fetchRecord(request())).status, 'answered');
    assert.equal(endpoint.seen.length, 2, 'a new token near expiry');
    const [first, second] = [...endpoint.issued];
    assert.notEqual(first, second);
    assert.deepEqual(authHeadersSeen(fhir).slice(4), [`Bearer ${second}`, `Bearer ${second}`]);
  });

  test('record views at the same moment share one token request', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    endpoint.delayMs = 50;
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({ source: source(fhir, endpoint, rsa), fetchSource });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => connector.fetchRecord(request())),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(5).fill('answered'),
    );
    assert.equal(endpoint.seen.length, 1);
  });

  test('a token the source has revoked is replaced on the next view', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({ source: source(fhir, endpoint, rsa), fetchSource });
    assert.equal((await connector.fetchRecord(request())).status, 'answered');
    for (const token of endpoint.issued) fhir.revoked.add(token);
    assert.equal((await connector.fetchRecord(request())).status, 'access-denied');
    assert.equal((await connector.fetchRecord(request())).status, 'answered');
    assert.equal(endpoint.seen.length, 2);
  });

  test('a key the sign-in service does not trust: access denied, in plain words, the record server never asked', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    const fhir = await fhirServer(endpoint);
    const connector: Connector = createFhirR4Connector({
      source: source(fhir, endpoint, stranger),
      fetchSource,
    });
    const result = await connector.fetchRecord(request());
    assert.equal(result.status, 'access-denied');
    assert.equal(result.httpStatus, 401);
    assert.equal(
      result.message,
      "The source's sign-in service refused our credentials (HTTP 401, invalid_client).",
    );
    assert.equal(endpoint.seen[0]?.verified, false);
    assert.equal(fhir.requests.length, 0);
    const assertion = endpoint.seen[0]?.form.get('client_assertion') ?? '';
    assert.ok(assertion.length > 0);
    assert.ok(!JSON.stringify(result).includes(assertion));
  });

  test('a sign-in service that never answers: the source times out within its deadline', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    endpoint.hang = true;
    const fhir = await fhirServer(endpoint);
    const connector = createFhirR4Connector({
      source: source(fhir, endpoint, rsa, { timeoutMs: 300 }),
      fetchSource,
    });
    const started = performance.now();
    const result = await connector.fetchRecord(request());
    const took = performance.now() - started;
    assert.equal(result.status, 'timed-out');
    assert.match(result.message ?? '', /did not answer within 0\.3 s/);
    assert.ok(took < 1000, `took ${Math.round(took)} ms`);
    assert.equal(fhir.requests.length, 0);
  });

  test('a sign-in service that is down: the source is unavailable', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    const fhir = await fhirServer(endpoint);
    const down = await startLoopback((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<h1>maintenance</h1>');
    });
    servers.push(down);
    const config = source(fhir, endpoint, rsa);
    const connector = createFhirR4Connector({
      source: {
        ...config,
        auth: { ...config.auth, tokenUrl: `${down.url}/token` } as typeof config.auth,
      },
      fetchSource,
    });
    const result = await connector.fetchRecord(request());
    assert.equal(result.status, 'unavailable');
    assert.equal(
      result.message,
      "The source's sign-in service is not working just now (HTTP 503).",
    );
  });

  test('an unreadable or unsuitable private key stops the start, naming the source', async () => {
    const endpoint = await tokenEndpoint(rsa, 'RS384');
    const fhir = await fhirServer(endpoint);
    const missing = { file: join(dir, 'missing.pem'), publicKey: rsa.publicKey };
    assert.throws(
      () => createFhirR4Connector({ source: source(fhir, endpoint, missing), fetchSource }),
      /^Error: Source northfield: auth\.privateKeyFile: cannot read .*missing\.pem \(ENOENT\)$/,
    );
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key');
    assert.throws(
      () =>
        createFhirR4Connector({
          source: source(fhir, endpoint, { file: garbage, publicKey: rsa.publicKey }),
          fetchSource,
        }),
      /Source northfield: auth\.privateKeyFile: .*garbage\.pem does not hold a PEM private key/,
    );
    assert.throws(
      () => createFhirR4Connector({ source: source(fhir, endpoint, ec), fetchSource }),
      /Source northfield: .*is not an RSA key, which RS384 needs/,
    );
  });
});
