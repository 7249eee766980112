/**
 * @module The fail-closed inspection of one resource: is it legally restricted or labelled as such?
 * Every coding anywhere in the resource is read (code, reasonCode, type, category, values, medication,
 * contained resources, extensions at any depth); anything that cannot be inspected counts as restricted.
 */
import type { RestrictedCodes } from './restricted-codes.ts';
import { isPlainJsonObject } from '../../shared/json-guards.ts';

export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** Confidentiality codes that withhold: R (restricted) and V (very restricted). */
const WITHHELD_CONFIDENTIALITY = new Set(['R', 'V']);

/** Categories the inspection itself reports (besides the code-set categories). */
export const LABEL_CATEGORY = 'confidentiality-label';
export const NOPAT_CATEGORY = 'not-for-patient';
export const UNINSPECTABLE_CATEGORY = 'uninspectable';

/** Beyond these, a resource is not inspected but withheld: no real resource is this deep or this big. */
const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

export type Inspection =
  { readonly restricted: false } | { readonly restricted: true; readonly category: string };

export interface InspectionRules {
  readonly restrictedCodes: RestrictedCodes;
  /** A view for the patient themself: NOPAT-labelled items are withheld too. */
  readonly patientFacing: boolean;
}

const CLEAR: Inspection = Object.freeze({ restricted: false });

/** Inspects a resource. Never throws: any failure is reported as `uninspectable`. */
export function inspectResource(resource: unknown, rules: InspectionRules): Inspection {
  try {
    if (!isPlainJsonObject(resource) || typeof resource['resourceType'] !== 'string') {
      return { restricted: true, category: UNINSPECTABLE_CATEGORY };
    }
    return walk(resource, rules);
  } catch {
    return { restricted: true, category: UNINSPECTABLE_CATEGORY };
  }
}

/** Stands in a stack for a value that cannot be inspected, so it is reported in walk order. */
const CANNOT_INSPECT: unique symbol = Symbol('cannot inspect');

/**
 * The stacks of a walk (value, depth), kept between walks so that a large record makes no garbage
 * here, and emptied when each walk ends: nothing of a record outlives its inspection.
 */
const stackValues: unknown[] = [];
const stackDepths: number[] = [];

function walk(root: Record<string, unknown>, rules: InspectionRules): Inspection {
  try {
    return walkFrom(root, rules);
  } finally {
    stackValues.length = 0;
    stackDepths.length = 0;
  }
}

/**
 * Depth first, each object's members from last to first (as popped from a stack). Only objects and
 * arrays go on the stack: a string, boolean or null member is counted and passed over where it is
 * met, and a member that is no JSON value (a number that is not finite, undefined, a function…),
 * or one too deep, goes on as CANNOT_INSPECT, so what is reported first is what the walk meets first.
 */
function walkFrom(root: Record<string, unknown>, rules: InspectionRules): Inspection {
  const values = stackValues;
  const depths = stackDepths;
  values.push(root);
  depths.push(0);
  let nodes = 1;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (value === CANNOT_INSPECT || depth > MAX_DEPTH || nodes > MAX_NODES) {
      return { restricted: true, category: UNINSPECTABLE_CATEGORY };
    }
    const childDepth = depth + 1;
    if (Array.isArray(value)) {
      const list = value as unknown[];
      for (let index = 0; index < list.length; index++) {
        nodes += 1;
        push(values, depths, list[index], childDepth);
      }
      continue;
    }
    if (!isPlainJsonObject(value)) return { restricted: true, category: UNINSPECTABLE_CATEGORY };
    const found = inspectCoding(value, rules);
    if (found !== undefined) return found;
    for (const key in value) {
      nodes += 1;
      push(values, depths, value[key], childDepth);
    }
  }
  return nodes > MAX_NODES ? { restricted: true, category: UNINSPECTABLE_CATEGORY } : CLEAR;
}

/** Puts an object or array on the stack; passes over a plain JSON leaf; marks anything else. */
function push(values: unknown[], depths: number[], member: unknown, depth: number): void {
  if (typeof member === 'object' && member !== null) {
    values.push(member);
    depths.push(depth);
    return;
  }
  const leaf =
    member === null ||
    typeof member === 'string' ||
    typeof member === 'boolean' ||
    (typeof member === 'number' && Number.isFinite(member));
  if (leaf && depth <= MAX_DEPTH) return;
  values.push(CANNOT_INSPECT);
  depths.push(depth);
}

/** Treats any object with a `code` as a Coding (Coding, Quantity, …): over-matching is the safe side. */
function inspectCoding(
  node: Record<string, unknown>,
  rules: InspectionRules,
): Inspection | undefined {
  const rawCode = node['code'];
  if (rawCode === undefined) return undefined;
  if (typeof rawCode !== 'string' && typeof rawCode !== 'number') {
    // A `code` that is an object (e.g. Observation.code, a CodeableConcept) is walked as a child.
    return undefined;
  }
  const code = String(rawCode).trim();
  const rawSystem = node['system'];
  const system = typeof rawSystem === 'string' ? rawSystem.trim() : undefined;
  if (system === CONFIDENTIALITY_SYSTEM && WITHHELD_CONFIDENTIALITY.has(code.toUpperCase())) {
    return { restricted: true, category: LABEL_CATEGORY };
  }
  if (rules.patientFacing && system === ACT_CODE_SYSTEM && code.toUpperCase() === 'NOPAT') {
    return { restricted: true, category: NOPAT_CATEGORY };
  }
  const category = rules.restrictedCodes.categoryOf(system, code);
  return category === undefined ? undefined : { restricted: true, category };
}

/**
 * The `Type/id` references a resource makes (relative or absolute, version stripped), for
 * withholding items linked to a restricted one. Contained (`#id`) references are ignored.
 */
export function referencesIn(resource: unknown): Set<string> {
  const found = new Set<string>();
  const stack: { value: unknown; depth: number }[] = [{ value: resource, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const element of value as unknown[]) stack.push({ value: element, depth: depth + 1 });
      continue;
    }
    const record = value as Record<string, unknown>;
    const reference = record['reference'];
    if (typeof reference === 'string') {
      const key = referenceKey(reference);
      if (key !== undefined) found.add(key);
    }
    for (const child of Object.values(record)) stack.push({ value: child, depth: depth + 1 });
  }
  return found;
}

/** `https://x/fhir/Encounter/1/_history/2` → `Encounter/1`. */
function referenceKey(reference: string): string | undefined {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(
    reference.trim(),
  );
  return match === null ? undefined : `${match[1] ?? ''}/${match[2] ?? ''}`;
}
