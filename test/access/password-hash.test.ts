import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SCRYPT_PARAMS,
  dummyVerify,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../src/access/password-hash.ts';

const password = 'correct horse battery staple';
// Real scrypt at a lower cost, where the cost itself is not what a test is about.
const cheap = { ...DEFAULT_SCRYPT_PARAMS, N: 2 ** 10 };

void describe('password hashing', () => {
  let encoded: string;
  before(async () => {
    encoded = await hashPassword(password);
  });

  void test('the right password is accepted and a wrong one refused', async () => {
    assert.equal(await verifyPassword(password, encoded), true);
    assert.equal(await verifyPassword('correct horse battery stapler', encoded), false);
    assert.equal(await verifyPassword('', encoded), false);
  });

  void test('the stored hash never contains the password, in plain text or base64', () => {
    assert.notEqual(encoded, password);
    assert.equal(encoded.includes(password), false);
    assert.equal(encoded.includes(Buffer.from(password).toString('base64').slice(0, 16)), false);
  });

  void test('the hash records scrypt N=2^15, r=8, p=1 with a 16-byte salt and a 32-byte key', () => {
    const [scheme, n, r, p, salt, hash] = encoded.split('$');
    assert.equal(scheme, 'scrypt');
    assert.equal(n, '32768');
    assert.equal(r, '8');
    assert.equal(p, '1');
    assert.equal(Buffer.from(salt ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(hash ?? '', 'base64').length, 32);
  });

  void test('the same password hashed twice gives two different hashes (a fresh salt each time)', async () => {
    const [a, b] = await Promise.all([
      hashPassword(password, cheap),
      hashPassword(password, cheap),
    ]);
    assert.notEqual(a, b);
  });

  void test('a tampered or unreadable hash matches nothing', async () => {
    const parts = encoded.split('$');
    const hash = Buffer.from(parts[5] ?? '', 'base64');
    hash[0] = (hash[0] ?? 0) ^ 1;
    parts[5] = hash.toString('base64');
    assert.equal(await verifyPassword(password, parts.join('$')), false);
    assert.equal(await verifyPassword(password, 'not-a-hash'), false);
    assert.equal(await verifyPassword(password, 'scrypt$3$8$1$AAAA$AAAA'), false);
    // A stored hash that asks for an absurd cost is refused rather than computed.
    assert.equal(await verifyPassword(password, encoded.replace('$32768$', '$1073741824$')), false);
  });

  void test('hashes made with older settings are flagged for rehashing', async () => {
    const weaker = await hashPassword(password, cheap);
    assert.equal(needsRehash(encoded), false);
    assert.equal(needsRehash(weaker), true);
    assert.equal(await verifyPassword(password, weaker), true);
    assert.equal(needsRehash('garbage'), true);
  });

  void test('checking a password for an unknown username takes about as long as for a real one', async () => {
    const time = async (fn: () => Promise<boolean>): Promise<number> => {
      const start = performance.now();
      assert.equal(await fn(), false);
      return performance.now() - start;
    };
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      real.push(await time(() => verifyPassword('wrong password!', encoded)));
      dummy.push(await time(() => dummyVerify('wrong password!')));
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1] ?? 0;
    // Loose bound: a dummy that skipped the hash would take well under a millisecond.
    assert.ok(
      median(dummy) > median(real) * 0.3,
      `dummy ${median(dummy)}ms vs real ${median(real)}ms`,
    );
  });
});
