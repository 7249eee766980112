/**
 * @module Finds GP Connect extensions however a supplier spelled their URL: `fhir.nhs.uk` or
 * `fhir.hl7.org.uk`, with or without `GPC-`, `CareConnect-` and the version, and the `sctdecsid` typo.
 */
import { objs, str, type JsonObject } from './json-access.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

/**
 * The lenient key for an extension URL: the last path segment, lower case, without
 * `Extension-`, `CareConnect-`, `GPC-` or a trailing `-<version>`.
 * `…/Extension-CareConnect-GPC-ListWarningCode-1` and `…/Extension-CareConnect-ListWarningCode-1` both give `listwarningcode`.
 */
export function extensionKey(url: string): string {
  const last = url.trim().replace(/\/+$/, '').split('/').at(-1) ?? '';
  const key = last
    .replace(/^Extension-/i, '')
    .replace(/^CareConnect-/i, '')
    .replace(/^GPC-/i, '')
    .replace(/-\d+$/, '')
    .toLowerCase();
  return key === 'coding-sctdecsid' ? 'coding-sctdescid' : key;
}

/** Every extension of `element` whose URL reads as `key` (see `extensionKey`). */
export function extensionsNamed(element: unknown, key: string): JsonObject[] {
  return objs(element, 'extension').filter((extension) => {
    const url = str(extension, 'url');
    return url !== undefined && extensionKey(url) === key;
  });
}

/** The first extension named `key`, if any. */
export function extensionNamed(element: unknown, key: string): JsonObject | undefined {
  return extensionsNamed(element, key)[0];
}

/** A sub-extension (matched on its url, case-insensitive: suppliers write `DescriptionID` and `descriptionId`). */
export function subExtension(extension: unknown, url: string): JsonObject | undefined {
  const wanted = url.toLowerCase();
  return objs(extension, 'extension').find((sub) => str(sub, 'url')?.toLowerCase() === wanted);
}

/** The `value[x]` of an extension, whatever its type, with the type's suffix. */
export function extensionValue(extension: unknown): { type: string; value: unknown } | undefined {
  if (!isJsonObject(extension)) return undefined;
  for (const [field, value] of Object.entries(extension)) {
    if (field.startsWith('value') && field.length > 5) return { type: field.slice(5), value };
  }
  return undefined;
}
