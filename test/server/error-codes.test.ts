import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../src/server/error-codes.ts';
import { operationOutcome } from '../../src/server/operation-outcome.ts';

const apiDoc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

test('every error code is documented in docs/api.md with its HTTP status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.match(
      apiDoc,
      new RegExp(`\\| \`${code}\` +\\| ${status} +\\|`),
      `${code} (${status}) is not documented`,
    );
  }
});

test('every documented error code exists', () => {
  const documented = [...apiDoc.matchAll(/^\| `([A-Z_]+)` +\| \d{3} +\|/gm)].map(
    (match) => match[1],
  );
  assert.deepEqual(documented.sort(), Object.keys(ERROR_CODES).sort());
});

test('an error becomes an OperationOutcome carrying its stable code and the field at fault', () => {
  const outcome = operationOutcome('INVALID_PERMISSION', 'Say who gave permission.', 'givenBy');
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.equal(outcome.issue[0]?.details?.coding?.[0]?.code, 'INVALID_PERMISSION');
  assert.equal(outcome.issue[0]?.details?.text, 'Say who gave permission.');
  assert.deepEqual(outcome.issue[0]?.expression, ['givenBy']);
});
