/** @module Route schemas shared by several routes. */
import { Type } from '@sinclair/typebox';

/** A FHIR OperationOutcome (the API's error body). Loosely typed: its issues pass through as built. */
export const OutcomeSchema = Type.Object(
  { resourceType: Type.Literal('OperationOutcome'), issue: Type.Array(Type.Unknown()) },
  { additionalProperties: true },
);

/** An NHS number path parameter (validated by the route, so a bad one gets a clear message). */
export const NhsNumberParams = Type.Object({ nhsNumber: Type.String({ maxLength: 20 }) });
