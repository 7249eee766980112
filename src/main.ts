/** @module Starts the server for a loaded configuration and listens until told to stop. */
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

/** Closes the app on SIGINT/SIGTERM, once. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
