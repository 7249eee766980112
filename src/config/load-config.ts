/**
 * @module Loads the configuration: one YAML file, environment overrides, schema defaults,
 * validation that names the file and the bad key, then a deep freeze.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { ConfigSchema, type Config } from './config-schema.ts';

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
  const fromFile = options.file === undefined ? {} : readYaml(options.file);
  const merged = deepMerge(structuredClone(options.base ?? {}), fromFile);
  applyEnvOverrides(merged, options.env ?? {}, where);

  const withDefaults = Value.Default(ConfigSchema, merged);
  const firstError = Value.Errors(ConfigSchema, withDefaults).First();
  if (firstError !== undefined) {
    const key = pointerToKey(firstError.path) || '(top level)';
    const value =
      firstError.value === undefined ? '' : ` (found ${describeValue(firstError.value)})`;
    throw new ConfigError(`${where}: ${key}: ${firstError.message}${value}`);
  }
  const config = withDefaults as Config;
  checkCrossFieldRules(config, where);

  const baseDir = options.file === undefined ? process.cwd() : dirname(resolve(options.file));
  const resolved: Config = {
    ...config,
    dataDir: isAbsolute(config.dataDir) ? config.dataDir : resolve(baseDir, config.dataDir),
  };
  return deepFreeze(resolved);
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem !== undefined) {
    const line = problem.linePos?.[0].line;
    throw new ConfigError(
      `${file}${line === undefined ? '' : `:${line}`}: ${problem.message.split('\n')[0] ?? ''}`,
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: the top level must be a mapping of keys`);
  }
  return value as Record<string, unknown>;
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
    if (isPlainObject(existing) && isPlainObject(value)) base[key] = deepMerge(existing, value);
    else base[key] = value;
  }
  return base;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/sources/0/url` → `sources[0].url` */
function pointerToKey(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (key, part) =>
        /^\d+$/.test(part) ? `${key}[${part}]` : key === '' ? part : `${key}.${part}`,
      '',
    );
}

function describeValue(value: unknown): string {
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
