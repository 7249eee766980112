/** @module The configured restricted code sets (policy/restricted-codes.yaml): their schema, loading and matching. */
import { Type, type Static } from '@sinclair/typebox';

/** SNOMED CT, the default system of a restricted code. */
export const SNOMED_CT = 'http://snomed.info/sct';

const CategoryId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' });

/** The restricted code sets file, as a TypeBox schema. */
export const RestrictedCodesSchema = Type.Object(
  {
    version: Type.Literal(1),
    categories: Type.Array(
      Type.Object(
        {
          id: CategoryId,
          name: Type.String({ minLength: 1 }),
          /** The law or local policy that requires withholding; shown in docs/policy.md. */
          basis: Type.String({ minLength: 1 }),
          codes: Type.Array(
            Type.Object(
              {
                code: Type.String({ minLength: 1, maxLength: 64 }),
                system: Type.Optional(Type.String({ minLength: 1 })),
                display: Type.Optional(Type.String()),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type RestrictedCodesFile = Static<typeof RestrictedCodesSchema>;

/** The restricted codes, ready to match. Frozen. */
export interface RestrictedCodes {
  /** Every category id, in file order. */
  readonly categories: readonly string[];
  /**
   * The category a coding falls in, or undefined. A coding without a system matches on its
   * code alone (fail closed: a source that omits the system is not let through).
   */
  categoryOf(system: string | undefined, code: string): string | undefined;
}

/** Builds the matcher from a validated file. Throws when a category id is used twice. */
export function createRestrictedCodes(file: RestrictedCodesFile): RestrictedCodes {
  const byCode = new Map<string, { system: string; category: string }[]>();
  const categories: string[] = [];
  for (const category of file.categories) {
    if (categories.includes(category.id))
      throw new Error(`categories: "${category.id}" is used twice`);
    categories.push(category.id);
    for (const entry of category.codes) {
      const code = entry.code.trim();
      const list = byCode.get(code) ?? [];
      list.push({ system: entry.system ?? SNOMED_CT, category: category.id });
      byCode.set(code, list);
    }
  }
  return Object.freeze({
    categories: Object.freeze(categories),
    categoryOf(system: string | undefined, code: string): string | undefined {
      const entries = byCode.get(code.trim());
      if (entries === undefined) return undefined;
      const wanted = system?.trim();
      return (
        wanted === undefined || wanted === ''
          ? entries[0]
          : entries.find((entry) => entry.system === wanted)
      )?.category;
    },
  });
}
