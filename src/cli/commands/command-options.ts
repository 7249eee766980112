/** @module Options several commands share: where the configuration is, and loading it. */
import type { Config } from '../../config/config-schema.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openStore, storeOptions } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import type { CliIo } from '../cli-io.ts';

/**
 * Loads the configuration from `--config FILE` (or `MCR_CONFIG`). Commands that only need the
 * database (users, audit) work without a file: `MCR_DATABASE_URL`/`MCR_DATA_DIR` or `./data`.
 */
export function configForCommand(file: string | undefined, io: CliIo): Config {
  const path = file ?? io.env['MCR_CONFIG'];
  if (path !== undefined && path !== '') return loadConfig({ file: path, env: io.env });
  return loadConfig({ base: { demographics: { url: 'http://127.0.0.1:1' } }, env: io.env });
}

/**
 * Opens the configured database. Commands that only read pass `readOnly`: a database that does
 * not exist is then refused (StoreNotFound, exit 2), never a new empty one that looks intact.
 */
export async function storeForCommand(
  config: Config,
  options: { readonly readOnly?: boolean } = {},
): Promise<Store> {
  return openStore({ ...storeOptions(config), mustExist: options.readOnly === true });
}
