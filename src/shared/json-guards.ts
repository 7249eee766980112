/**
 * @module Guards for JSON of unknown shape: what a source, a provider, a config file or the
 * server answered is never trusted, and is read through these (one copy for server and browser).
 */

/** A JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an object as JSON.parse makes it (prototype Object or none): no class instance passes. */
export function isPlainJsonObject(value: unknown): value is JsonObject {
  if (!isJsonObject(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
