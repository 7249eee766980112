/**
 * @module Printing the record: `POST /api/patients/{nhsNumber}/record-print`. The print is audited
 * before the browser prints; the answer is what every printed page is marked with.
 */
import { Type, type Static } from '@sinclair/typebox';
import { OneOf } from './common.ts';

/** What is printed: the whole record as shown, or its summary. */
export const PRINT_SCOPES = ['record', 'summary'] as const;
export type PrintScope = (typeof PRINT_SCOPES)[number];

/** The body of `POST /api/patients/{nhsNumber}/record-print`. */
export const RecordPrintRequest = Type.Object(
  { scope: OneOf(PRINT_SCOPES) },
  { additionalProperties: false },
);
export type RecordPrintRequest = Static<typeof RecordPrintRequest>;

/** The print, as audited: what each printed page says about who printed it and when. */
export const RecordPrinted = Type.Object({
  scope: OneOf(PRINT_SCOPES),
  /** ISO-8601 UTC instant of the audit entry. */
  printedAt: Type.String(),
  /** The printing professional's name. */
  printedBy: Type.String(),
  /** ODS code of their organisation. */
  organisation: Type.String(),
  /** `consent` or `emergency`: the basis the print was made under. */
  basis: Type.String(),
});
export type RecordPrinted = Static<typeof RecordPrinted>;
