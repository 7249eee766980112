/** @module Starts the server for a loaded configuration, listens, and shuts down gracefully when told. */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, type App, type AppDeps } from './app.ts';
import type { Config } from './config/config-schema.ts';

/** Builds the app and listens on the configured host and port. Returns the app and its address. */
export async function listen(
  config: Config,
  deps: AppDeps = {},
): Promise<{ app: App; url: string }> {
  const app = await buildApp(config, deps);
  const address = await app.server.listen({ host: config.server.host, port: config.server.port });
  return { app, url: address.replace('[::1]', 'localhost') };
}

/** What a graceful shutdown waits for, from `server.drainSeconds` and `server.shutdownTimeoutSeconds`. */
export interface ShutdownSettings {
  readonly drainSeconds: number;
  readonly shutdownTimeoutSeconds: number;
}

/**
 * The graceful shutdown, as one list of steps: readiness says `draining` (the balancer takes this
 * instance out), requests are still served for `drainSeconds`, then the server stops listening,
 * waits for in-flight views and streams, signs a last audit checkpoint and closes the store.
 * Resolves true when all that finished within `shutdownTimeoutSeconds`.
 */
export async function shutDownGracefully(
  app: Pick<App, 'drain' | 'close'>,
  settings: ShutdownSettings,
): Promise<boolean> {
  app.drain();
  await sleep(settings.drainSeconds * 1000);
  const timeout = sleep(settings.shutdownTimeoutSeconds * 1000, false, { ref: false });
  return Promise.race([app.close().then(() => true), timeout]);
}

/**
 * Runs `shutDown` on SIGINT/SIGTERM, once, then exits: 0 when it finished in time, 1 otherwise
 * (a second signal exits 1 at once).
 */
export function shutDownOnSignals(shutDown: () => Promise<boolean>): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    shutDown().then(
      (finished) => process.exit(finished ? 0 : 1),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
