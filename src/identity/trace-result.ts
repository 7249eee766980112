/** @module The outcome of tracing a patient on the national demographics service before a record view. */
import type { TracedPatient } from './traced-patient.ts';
import type { RegisteredPractice } from './demographics-client.ts';
import type { PatientSummary } from './patient-summary.ts';

export type TraceResult =
  | {
      readonly kind: 'found';
      readonly traced: TracedPatient;
      readonly summary: PatientSummary;
      /** Where GP Connect is asked: the current registered practice, none, or withheld (restricted). */
      readonly registeredPractice: RegisteredPractice;
    }
  | { readonly kind: 'not-found' | 'unavailable'; readonly message: string };
