/**
 * @module The real server in a process of its own, for tests that kill it (`kill -9`) and start it
 * again. Run with `process.execPath`; the configuration comes as JSON in `MCR_TEST_CONFIG` (the same
 * base `loadConfig` takes). Prints one line, `{"url":"http://127.0.0.1:…"}`, once it listens; logs go
 * to standard error.
 */
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';

const base = JSON.parse(process.env['MCR_TEST_CONFIG'] ?? '{}') as Record<string, unknown>;
const config = loadConfig({ base, env: {} });
const app = await buildApp(config, { logDestination: process.stderr });
const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
