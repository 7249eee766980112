import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactNhsNumbers } from '../../src/server/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

test('NHS numbers in access-log URLs are redacted, spaced or not', () => {
  assert.equal(
    redactNhsNumbers('/api/patients/9990000107/record'),
    '/api/patients/[nhs-number]/record',
  );
  assert.equal(redactNhsNumbers('/x/999 000 0107'), '/x/[nhs-number]');
  assert.equal(
    redactNhsNumbers('/api/permissions/0b7c8f0e-5a0e'),
    '/api/permissions/0b7c8f0e-5a0e',
  );
});

test('a request is logged without its query string, cookies or NHS number', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      req: {
        id: 'r1',
        method: 'GET',
        url: '/api/patients/9990000107/record?family=Oakley&birthdate=1943-02-11',
        headers: { cookie: 'mcr_session=secret' },
      },
    },
    'request',
  );
  const text = lines.join('');
  assert.ok(text.includes('/api/patients/[nhs-number]/record?[redacted]'), text);
  for (const secret of ['9990000107', 'Oakley', '1943-02-11', 'mcr_session=secret']) {
    assert.ok(!text.includes(secret), `${secret} leaked into the log: ${text}`);
  }
});

test('passwords and bodies are redacted wherever they appear', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      password: 'hunter2hunter2',
      body: { medication: 'Ramipril 5mg' },
      context: { password: 'x2' },
    },
    'oops',
  );
  const text = lines.join('');
  assert.ok(!text.includes('hunter2hunter2'));
  assert.ok(!text.includes('Ramipril'));
  assert.ok(!text.includes('x2"'));
});
