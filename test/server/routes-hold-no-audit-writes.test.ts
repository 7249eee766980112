/**
 * Routes only parse, call and serialise: no file under src/server/routes imports the store or
 * the audit log's implementation, touches the database, or writes to the audit trail itself —
 * the audited actions (src/consent, src/audit, src/record) do. A few routes not yet moved to an
 * action are listed by name; the list may only shrink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTES = fileURLToPath(new URL('../../src/server/routes/', import.meta.url));

/** Routes that still append to the audit themselves (outside this change: sign-in, search, FHIR). */
const NOT_YET_MOVED = new Set([
  'audit-routes.ts',
  'fhir-consent-routes.ts',
  'patient-routes.ts',
]);

const routeFiles = readdirSync(ROUTES).filter((name) => name.endsWith('.ts'));
const source = (name: string) => readFileSync(join(ROUTES, name), 'utf8');

/** Import statements of a file that bring in values (not `import type`). */
function valueImports(text: string): string[] {
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

test('no route imports the store or the audit log’s implementation', () => {
  const offending = routeFiles.flatMap((name) =>
    valueImports(source(name))
      .filter((path) => /\/store\/|\/audit\/audit-log\.ts$/.test(path))
      .map((path) => `${name} imports ${path}`),
  );
  assert.deepEqual(offending, []);
});

test('no route queries the database', () => {
  const offending = routeFiles.filter((name) =>
    /\.(insertInto|updateTable|deleteFrom|selectFrom)\(|\bstore\.db\b|withAuditLock/.test(
      source(name),
    ),
  );
  assert.deepEqual(offending, []);
});

test('no route writes to the audit trail: the permission, dissent, review and alert routes call their actions', () => {
  const writes = (name: string) => /\baudit\.(append|appendWith)\(/.test(source(name));
  assert.deepEqual(
    routeFiles.filter((name) => writes(name) && !NOT_YET_MOVED.has(name)),
    [],
  );
  // A route moved to an action comes off the list, so the list cannot hide a new write.
  assert.deepEqual(
    [...NOT_YET_MOVED].filter((name) => !routeFiles.includes(name) || !writes(name)),
    [],
  );
  for (const name of ['permission-routes.ts', 'consent-admin-routes.ts', 'alert-routes.ts']) {
    assert.ok(routeFiles.includes(name), `${name} exists`);
    assert.match(source(name), /actions\.\w+\(/, `${name} calls its actions`);
  }
});
