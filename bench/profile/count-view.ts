/**
 * @module Counts what one JSON record view does (SQL statements by text, HTTP requests by source
 * host and path) over the record bench's population, the server in this process.
 * `node bench/profile/count-view.ts [--views 40]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { StatementSync, DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startSims } from '../../sim/start-sims.ts';
import { BENCH_MONITORING, benchClinician } from '../bench-clinician.ts';

const { values } = parseArgs({ options: { views: { type: 'string', default: '40' } } });
const sims = await startSims({ size: 200 });
const dataDir = mkdtempSync(join(tmpdir(), 'mcr-count-'));
const config = loadConfig({
  base: {
    monitoring: BENCH_MONITORING,
    demographics: { url: sims.demographicsUrl },
    sources: sims.sourcesConfig(),
    dataDir,
    server: { port: 0 },
    logging: { level: 'warn' },
    rateLimit: { api: { max: 1_000_000 } },
  },
  env: {},
});
const app = await buildApp(config);
const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
const patients = Array.from({ length: 41 }, (_, i) => sims.population.nhsNumberAt(i))
  .filter((nhs) => nhs !== '9990001014')
  .slice(0, 40);
const { cookie } = await benchClinician(app, url, 'count', patients);
const view = async (i: number): Promise<void> => {
  const response = await fetch(
    new URL(`/api/patients/${patients[i % patients.length]}/record`, url),
    {
      headers: { cookie },
    },
  );
  await response.arrayBuffer();
};
for (let i = 0; i < patients.length; i += 1) await view(i);

const sql = new Map<string, number>();
const count = (text: string): void => {
  const key = text.replace(/\s+/g, ' ').slice(0, 140);
  sql.set(key, (sql.get(key) ?? 0) + 1);
};
for (const method of ['run', 'all', 'get'] as const) {
  const original = Reflect.get(StatementSync.prototype, method) as (...args: unknown[]) => unknown;
  (StatementSync.prototype as unknown as Record<string, unknown>)[method] = function (
    this: StatementSync,
    ...args: unknown[]
  ) {
    count(this.sourceSQL);
    return original.apply(this, args);
  };
}
const exec = Reflect.get<DatabaseSync, 'exec'>(DatabaseSync.prototype, 'exec');
DatabaseSync.prototype.exec = function (this: DatabaseSync, text: string) {
  count(text);
  exec.call(this, text);
};
const requests = new Map<string, number>();
const dispatch = Reflect.get<Agent, 'dispatch'>(Agent.prototype, 'dispatch');
Agent.prototype.dispatch = function (this: Agent, options, handler) {
  const key = `${options.origin?.toString() ?? ''} ${options.path.replace(/\?.*$/, '').replace(/\d{10}/g, '{nhs}')}`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  return dispatch.call(this, options, handler);
};
const views = Number(values.views);
for (let i = 0; i < views; i += 1) await view(i);
const show = (title: string, table: Map<string, number>): void => {
  process.stdout.write(`\n${title} per view\n`);
  for (const [k, n] of [...table].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`${(n / views).toFixed(2).padStart(6)}  ${k}\n`);
};
show('SQL', sql);
show('HTTP requests', requests);
await app.close();
await sims.close();
rmSync(dataDir, { recursive: true, force: true });
