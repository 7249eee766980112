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

/**
 * Sets a field on a JSON object being built from one a source sent. A `__proto__` key (JSON.parse
 * makes it an own field) stays a field of the copy, never its prototype.
 */
export function setJsonField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
