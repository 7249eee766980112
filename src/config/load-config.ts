/**
 * @module Loads the configuration: one YAML file, environment overrides, schema defaults,
 * validation that names the file and the bad key, then a deep freeze.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigSchema, type Config } from './config-schema.ts';
import { deepFreeze, readYamlMapping, validateWithDefaults } from './yaml-file.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** A configuration problem, naming where it is. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Environment variables that override keys of the file. */
export const ENV_OVERRIDES = {
  MCR_PORT: 'server.port',
  MCR_HOST: 'server.host',
  MCR_DATA_DIR: 'dataDir',
  MCR_DATABASE_URL: 'database.url',
  MCR_DATABASE_SCHEMA: 'database.schema',
  MCR_REDIS_URL: 'redis.url',
  MCR_LOG_LEVEL: 'logging.level',
} as const;

export interface LoadConfigOptions {
  /** The YAML file; omitted when the whole config comes from `base` (the demo). */
  readonly file?: string | undefined;
  /** Values used before the file's (the demo passes the simulated sources here). */
  readonly base?: Readonly<Record<string, unknown>> | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Loads, validates and freezes the configuration. Throws ConfigError naming the file and key. */
export function loadConfig(options: LoadConfigOptions): Config {
  const where = options.file ?? 'the built-in demo configuration';
  const fail = (message: string): ConfigError => new ConfigError(message);
  const fromFile = options.file === undefined ? {} : readYamlMapping(options.file, fail);
  const merged = deepMerge(structuredClone(options.base ?? {}), fromFile);
  applyEnvOverrides(merged, options.env ?? {}, where);

  const config = validateWithDefaults(ConfigSchema, merged, where, fail) as Config;
  checkCrossFieldRules(config, where);

  const baseDir = options.file === undefined ? process.cwd() : dirname(resolve(options.file));
  const resolved: Config = {
    ...config,
    dataDir: isAbsolute(config.dataDir) ? config.dataDir : resolve(baseDir, config.dataDir),
  };
  return deepFreeze(resolved);
}

function applyEnvOverrides(
  target: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
): void {
  for (const [name, key] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (key === 'server.port') {
      if (!/^\d+$/.test(raw))
        throw new ConfigError(
          `${name}: must be a port number (found "${raw}") overriding ${where}`,
        );
      value = Number(raw);
    }
    setPath(target, key.split('.'), value);
  }
}

/** Rules a schema cannot say. */
function checkCrossFieldRules(config: Config, where: string): void {
  const ids = new Set<string>();
  config.sources.forEach((source, index) => {
    if (ids.has(source.id))
      throw new ConfigError(`${where}: sources[${index}].id: "${source.id}" is used twice`);
    ids.add(source.id);
    if (source.kind === 'gp-connect' && source.asid === undefined) {
      throw new ConfigError(
        `${where}: sources[${index}].asid: a gp-connect source needs the practice's ASID (sent as Ssp-To)`,
      );
    }
  });
  if (config.permissions.defaultHours > config.permissions.maxHours) {
    throw new ConfigError(
      `${where}: permissions.defaultHours: must not exceed permissions.maxHours`,
    );
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((segment) => {
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  });
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(over)) {
    const existing = base[key];
    if (isJsonObject(existing) && isJsonObject(value)) base[key] = deepMerge(existing, value);
    else base[key] = value;
  }
  return base;
}
