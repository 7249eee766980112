/**
 * @module Resolves references inside a GP Connect Bundle: `Type/id`, `#contained`, absolute URLs and,
 * leniently, a bare id. `fullUrl` is not populated by providers, so ids are what count.
 */
import { isResource, objs, str, type Stu3Resource } from './json-access.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

export interface BundleIndex {
  /** Every resource at the top level of the Bundle, in Bundle order. */
  readonly resources: readonly Stu3Resource[];
  /** The resource a `Reference` (or a reference string) points at; `container` resolves `#id`. */
  resolve(reference: unknown, container?: Stu3Resource): Stu3Resource | undefined;
}

/** The key used to recognise one resource: `Type/id`. */
export function resourceKey(resource: Stu3Resource): string | undefined {
  const id = str(resource, 'id');
  return id === undefined ? undefined : `${resource.resourceType}/${id}`;
}

/** Indexes the Bundle's top-level resources. Entries without a resource are skipped. */
export function indexBundle(bundle: unknown): BundleIndex {
  const resources = objs(bundle, 'entry')
    .map((entry) => entry['resource'])
    .filter(isResource);
  const byKey = new Map<string, Stu3Resource>();
  const byId = new Map<string, Stu3Resource[]>();
  for (const resource of resources) {
    const key = resourceKey(resource);
    const id = str(resource, 'id');
    if (key === undefined || id === undefined) continue;
    if (!byKey.has(key)) byKey.set(key, resource);
    byId.set(id, [...(byId.get(id) ?? []), resource]);
  }

  // A large record refers to the same few resources (practitioners, organisations, medications)
  // thousands of times: each reference string is parsed once.
  const resolved = new Map<string, Stu3Resource | undefined>();

  function resolve(reference: unknown, container?: Stu3Resource): Stu3Resource | undefined {
    const text = typeof reference === 'string' ? reference : str(reference, 'reference');
    if (text === undefined) return undefined;
    const ref = text.trim();
    if (ref.startsWith('#')) {
      const id = ref.slice(1);
      return objs(container, 'contained')
        .filter(isResource)
        .find((contained) => str(contained, 'id') === id);
    }
    if (resolved.has(ref)) return resolved.get(ref);
    const target = resolveTopLevel(ref);
    resolved.set(ref, target);
    return target;
  }

  /** A reference to a top-level resource: `Type/id`, an absolute URL, or a bare id. */
  function resolveTopLevel(ref: string): Stu3Resource | undefined {
    // The usual form, `Type/id`, is a key as it stands (what the general reading below makes of it).
    if (TYPE_SLASH_ID.test(ref)) return byKey.get(ref);
    const path = ref
      .replace(/\/_history\/[^/]*$/, '')
      .split('/')
      .filter((part) => part !== '');
    const id = path.at(-1);
    const type = path.at(-2);
    if (id === undefined) return undefined;
    if (type !== undefined && /^[A-Z][A-Za-z]+$/.test(type)) return byKey.get(`${type}/${id}`);
    // A bare id (seen in a published example): accept it only when it names exactly one resource.
    const candidates = byId.get(id);
    return candidates?.length === 1 ? candidates[0] : undefined;
  }

  return { resources, resolve };
}

/** `Type/id` and nothing else: one slash, a resource type before it. */
const TYPE_SLASH_ID = /^[A-Z][A-Za-z]+\/[^/]+$/;

/** True when `value` looks like a FHIR Reference with a reference string. */
export function isReference(value: unknown): boolean {
  return isJsonObject(value) && typeof value['reference'] === 'string';
}
