import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config.ts';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mcr-config-')), 'mcr.yaml');
  writeFileSync(file, text);
  return file;
}

const minimal = `
demographics:
  url: http://127.0.0.1:9000
sources:
  - id: gp-a81001
    name: Riverside Medical Practice
    organisation: A81001
    kind: gp-connect
    url: http://127.0.0.1:9001/A81001/STU3/1/gpconnect/structured/fhir
    asid: "918999198001"
    timeoutMs: 3000
`;

describe('configuration', () => {
  test('a minimal file gets the documented defaults', () => {
    const config = loadConfig({ file: configFile(minimal), env: {} });
    assert.equal(config.server.port, 8080);
    assert.equal(config.sessions.idleTimeoutMinutes, 15);
    assert.equal(config.permissions.defaultHours, 24);
    assert.equal(config.sources[0]?.maxResponseBytes, 10 * 1024 * 1024);
    assert.equal(config.database.url, '');
  });

  test('the loaded configuration is frozen all the way down', () => {
    const config = loadConfig({ file: configFile(minimal), env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.sources[0]));
    assert.throws(() => {
      (config.server as { port: number }).port = 1;
    }, TypeError);
  });

  test('environment variables override the port, data directory and database', () => {
    const config = loadConfig({
      file: configFile(minimal),
      env: {
        MCR_PORT: '9123',
        MCR_DATA_DIR: '/tmp/mcr-data',
        MCR_DATABASE_URL: 'postgres://x@h/db',
      },
    });
    assert.equal(config.server.port, 9123);
    assert.equal(config.dataDir, '/tmp/mcr-data');
    assert.equal(config.database.url, 'postgres://x@h/db');
  });

  test('an error names the file and the bad key', () => {
    const file = configFile(minimal.replace('timeoutMs: 3000', 'timeoutMs: fast'));
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.message.includes(file), error.message);
        assert.ok(error.message.includes('sources[0].timeoutMs'), error.message);
        return true;
      },
    );
  });

  test('an unknown key is refused, by name', () => {
    const file = configFile(`${minimal}\nserver:\n  prot: 80\n`);
    assert.throws(() => loadConfig({ file, env: {} }), /server\.prot/);
  });

  test('a GP Connect source without an ASID is refused with a clear message', () => {
    const file = configFile(minimal.replace('    asid: "918999198001"\n', ''));
    assert.throws(() => loadConfig({ file, env: {} }), /sources\[0\]\.asid/);
  });

  test('invalid YAML is reported with its file and line', () => {
    const file = configFile('demographics:\n  url: [unclosed\n');
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`),
        );
        return true;
      },
    );
  });

  test('a non-numeric MCR_PORT is refused', () => {
    assert.throws(
      () => loadConfig({ file: configFile(minimal), env: { MCR_PORT: 'eighty' } }),
      /MCR_PORT/,
    );
  });
});
