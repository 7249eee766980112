/** @module RFC 8785 JSON Canonicalization Scheme (JCS): one exact byte form for a JSON value, so it can be hashed. */

/** A value that has a canonical JSON form. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Thrown for a value that RFC 8785 (I-JSON) cannot represent. */
export class NotCanonicalisable extends Error {
  /** JSON-pointer-like path to the offending value, e.g. `/sources/0/elapsedMs`. */
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`Cannot canonicalise JSON at ${path === '' ? '/' : path}: ${reason}`);
    this.name = 'NotCanonicalisable';
    this.path = path;
  }
}

/**
 * The RFC 8785 canonical JSON text of a value: object keys sorted by UTF-16 code units,
 * numbers in ECMAScript shortest form, strings escaped as ECMAScript `JSON.stringify` does,
 * no whitespace.
 *
 * Object properties whose value is `undefined` are left out (as `JSON.stringify` does), so
 * optional fields need no special handling. Everything else that JSON cannot carry is
 * refused with {@link NotCanonicalisable}: non-finite numbers, `undefined` in arrays, bigint,
 * functions, symbols, lone surrogates (I-JSON), and objects that are not plain (Date, Map, …),
 * because their JSON form would depend on a `toJSON` the hash must not trust.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, { segments: [], ancestors: new Set() });
}

/**
 * Where the serialiser is: the path as a stack of keys and indexes (joined only for an error
 * message, so the common case builds no path strings) and the containers it is inside.
 */
interface Walk {
  readonly segments: (string | number)[];
  readonly ancestors: Set<object>;
}

function pathOf(walk: Walk): string {
  return walk.segments
    .map((segment) =>
      typeof segment === 'number'
        ? `/${segment}`
        : `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    )
    .join('');
}

function serialise(value: unknown, walk: Walk): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value, walk);
    case 'number':
      if (!Number.isFinite(value))
        throw new NotCanonicalisable(pathOf(walk), `${String(value)} is not a JSON number`);
      // ECMAScript Number-to-String is exactly the algorithm RFC 8785 §3.2.2.3 adopts; -0 becomes "0".
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serialiseContainer(value, walk);
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new NotCanonicalisable(pathOf(walk), `${typeof value} is not a JSON value`);
  }
}

function serialiseContainer(value: object, walk: Walk): string {
  const { ancestors, segments } = walk;
  if (ancestors.has(value)) throw new NotCanonicalisable(pathOf(walk), 'circular reference');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value as readonly unknown[];
      let out = '[';
      for (let i = 0; i < items.length; i += 1) {
        segments.push(i);
        if (i > 0) out += ',';
        out += serialise(items[i], walk);
        segments.pop();
      }
      return `${out}]`;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new NotCanonicalisable(
        pathOf(walk),
        'only plain objects and arrays are JSON containers',
      );
    }
    const record = value as Readonly<Record<string, unknown>>;
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 requires.
    const keys = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      segments.push(key);
      if (!first) out += ',';
      first = false;
      out += `${serialiseString(key, walk)}:${serialise(member, walk)}`;
      segments.pop();
    }
    return `${out}}`;
  } finally {
    ancestors.delete(value);
  }
}

function serialiseString(value: string, walk: Walk): string {
  if (!value.isWellFormed()) {
    throw new NotCanonicalisable(pathOf(walk), 'string contains a lone surrogate');
  }
  // For well-formed strings JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 says:
  // \b \t \n \f \r \" \\ as two characters, other controls as lowercase \u00xx, the rest verbatim.
  return JSON.stringify(value);
}
