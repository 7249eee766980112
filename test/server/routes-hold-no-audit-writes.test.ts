/**
 * Routes only parse, call and serialise: no file under src/server/routes imports the store or
 * the audit log's implementation, touches the database, or writes to the audit trail itself —
 * the audited actions (src/access, src/consent, src/audit, src/record) do. The FHIR edge's scope
 * check (src/server/fhir-edge.ts) refuses through the audited action's deny, never an audit write
 * of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTES = fileURLToPath(new URL('../../src/server/routes/', import.meta.url));
const FHIR_EDGE = fileURLToPath(new URL('../../src/server/fhir-edge.ts', import.meta.url));

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

test('no route writes to the audit trail: sign-in, searches, permissions, dissent, reviews and alerts call their actions', () => {
  const writes = (name: string) => /\baudit\.(append|appendWith)\(/.test(source(name));
  assert.deepEqual(routeFiles.filter(writes), []);
  for (const name of [
    'permission-routes.ts',
    'consent-admin-routes.ts',
    'alert-routes.ts',
    'session-routes.ts',
    'oidc-routes.ts',
    'smart-launch-routes.ts',
    'nhs-login-routes.ts',
    'patient-routes.ts',
    'audit-routes.ts',
    'fhir-consent-routes.ts',
  ]) {
    assert.ok(routeFiles.includes(name), `${name} exists`);
    assert.match(
      source(name),
      /actions\.\w+|searchAudit\.\w+\(|readConsents\.\w+\(/,
      `${name} calls its actions`,
    );
  }
});

test('the FHIR edge audits a refused scope through the audited action’s deny, not a write of its own', () => {
  const edge = readFileSync(FHIR_EDGE, 'utf8');
  assert.doesNotMatch(edge, /\baudit\.(append|appendWith)\(/);
  assert.deepEqual(
    valueImports(edge).filter((path) => /\/store\/|\/audit\/audit-log\.ts$/.test(path)),
    [],
  );
  assert.match(edge, /\bauditedAction\(/, 'the scope check uses the audited action');
  assert.match(edge, /\.deny\(/, 'its refusal is the audited action’s deny');
});

test('the check sees an audit write in a route', () => {
  // The pattern above must catch a route that writes: a check that cannot fail proves nothing.
  const written = "await services.audit.append({ action: 'sign-out' });";
  assert.match(written, /\baudit\.(append|appendWith)\(/);
});
