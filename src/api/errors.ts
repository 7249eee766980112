/** @module The API's error body: a FHIR OperationOutcome with one coded issue (docs/api.md, "Errors"). */
import { Type, type Static } from '@sinclair/typebox';

/** The system of the coded reason in `issue[].details.coding` (see src/server/error-codes.ts). */
const Coding = Type.Object({
  system: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
});

export const OperationOutcomeIssue = Type.Object({
  severity: Type.String(),
  code: Type.String(),
  details: Type.Optional(
    Type.Object({ coding: Type.Optional(Type.Array(Coding)), text: Type.Optional(Type.String()) }),
  ),
  diagnostics: Type.Optional(Type.String()),
  /** The request field at fault, when one is. */
  expression: Type.Optional(Type.Array(Type.String())),
});

export const OperationOutcome = Type.Object(
  { resourceType: Type.Literal('OperationOutcome'), issue: Type.Array(OperationOutcomeIssue) },
  {
    description: 'A refusal or failure: the first issue carries the coded reason and plain words.',
  },
);
export type OperationOutcome = Static<typeof OperationOutcome>;
