/** @module Small pieces several areas of the API share: path parameters, instants, nullable values. */
import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

/** An NHS number path parameter (checked by the route, so a bad one gets a clear message). */
export const NhsNumberParams = Type.Object({ nhsNumber: Type.String({ maxLength: 20 }) });

/** A date or instant a caller filters by (ISO-8601; the route checks it parses). */
export const InstantQuery = Type.String({ maxLength: 40, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}' });

/** A value or `null`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A path parameter `id` that is a UUID. */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A path parameter `permissionId` that is a UUID. */
export const PermissionIdParams = Type.Object({ permissionId: Type.String({ format: 'uuid' }) });

/** A path parameter `seq`: an audit entry's number. */
export const SeqParams = Type.Object({ seq: Type.Integer({ minimum: 1 }) });

/** A review queue's filter: the open items (the default) or all of them. */
export const ReviewQueueQuery = Type.Object(
  { status: Type.Union([Type.Literal('open'), Type.Literal('all')], { default: 'open' }) },
  { additionalProperties: false },
);

/** Whether an item in a review queue has been reviewed. */
export const ReviewStatus = Type.Union([Type.Literal('open'), Type.Literal('reviewed')]);

/** What a privacy officer may conclude about an alert or an emergency access. */
export const REVIEW_OUTCOMES = ['appropriate', 'needs-follow-up'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** The fields a reviewed item carries in either review queue (spread into its object schema). */
export const ReviewFields = {
  status: ReviewStatus,
  outcome: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  reviewedBy: Type.Optional(Type.String()),
  reviewedAt: Type.Optional(Type.String()),
};

/** The body of a review in either queue: an outcome and a note. */
export const ReviewRequest = Type.Object(
  {
    outcome: OneOf(REVIEW_OUTCOMES),
    note: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

/** The literal schemas of a list of strings, as a tuple (so both TypeBox and the route types infer the union). */
type LiteralTuple<T extends readonly string[]> = T extends readonly [
  infer Head extends string,
  ...infer Rest extends readonly string[],
]
  ? [TLiteral<Head>, ...LiteralTuple<Rest>]
  : [];

/** One of the strings of a list. */
export function OneOf<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnion<LiteralTuple<T>> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<LiteralTuple<T>>;
}
