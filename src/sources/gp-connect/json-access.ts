/** @module Small, safe readers for JSON of unknown shape (source payloads are never trusted). */
import { isJsonObject, type JsonObject } from '../../shared/json-guards.ts';

export type { JsonObject } from '../../shared/json-guards.ts';

/** A STU3 resource read from a source: an object with a resource type and (usually) an id. */
export interface Stu3Resource extends JsonObject {
  readonly resourceType: string;
}

export function isResource(value: unknown): value is Stu3Resource {
  return isJsonObject(value) && typeof value['resourceType'] === 'string';
}

/** The field as a string, or undefined. */
export function str(value: unknown, key: string): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/** The field as an object, or undefined. */
export function obj(value: unknown, key: string): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const field = value[key];
  return isJsonObject(field) ? field : undefined;
}

const NONE: readonly JsonObject[] = Object.freeze([]);

/**
 * The field as an array of objects (non-objects left out); a single object is read as a one-item
 * array. The source's own array when every member is an object (the usual case: no copy), so the
 * answer is read only, like everything a source sent.
 */
export function objs(value: unknown, key: string): readonly JsonObject[] {
  if (!isJsonObject(value)) return NONE;
  const field = value[key];
  if (Array.isArray(field)) {
    const list = field as readonly unknown[];
    for (const member of list) if (!isJsonObject(member)) return list.filter(isJsonObject);
    return list as readonly JsonObject[];
  }
  return isJsonObject(field) ? [field] : NONE;
}

/** The field as an array of strings (non-strings left out). */
export function strs(value: unknown, key: string): string[] {
  if (!isJsonObject(value)) return [];
  const field = value[key];
  if (Array.isArray(field))
    return (field as unknown[]).filter((item): item is string => typeof item === 'string');
  return typeof field === 'string' ? [field] : [];
}

/** The field as a number, or undefined. */
export function num(value: unknown, key: string): number | undefined {
  if (!isJsonObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

/** The field as a boolean, or undefined. */
export function bool(value: unknown, key: string): boolean | undefined {
  if (!isJsonObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'boolean' ? field : undefined;
}

/** The codes of a CodeableConcept (trimmed: one supplier pads a code with a space). */
export function codesOf(concept: unknown): string[] {
  return objs(concept, 'coding')
    .map((coding) => str(coding, 'code')?.trim())
    .filter((code): code is string => code !== undefined && code !== '');
}

/** The field's value copied as it is, when present. */
// The caller names the shape it expects from the source; mappers that use it never trust it further.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function copy<T>(value: unknown, key: string): T | undefined {
  if (!isJsonObject(value)) return undefined;
  const field = value[key];
  return field === undefined || field === null ? undefined : (field as T);
}
