/**
 * @module A patient's sign-in through NHS login and their sign-out: the steps every sign-in runs
 * (src/access/sign-in.ts, src/access/sign-out.ts) on a patient session, audited as
 * `patient-sign-in`, `patient-sign-in-failed` and `patient-sign-out`.
 */
import type { AuditPatientActor } from '../../audit/audit-event.ts';
import { createSignIn, type SignInDeps } from '../sign-in.ts';
import { createSignOut } from '../sign-out.ts';
import type { NhsLoginFailure } from './nhs-login-sign-in.ts';
import type { Patient, PatientSessions } from './patient-sessions.ts';

/** The patient as the audit names them. */
function patientActor(patient: Patient): AuditPatientActor {
  return { type: 'patient', nhsNumber: patient.nhsNumber, proofingLevel: patient.proofingLevel };
}

/** Patient sign-in and sign-out on patient sessions (never staff sessions). */
export function createPatientSignIn(deps: SignInDeps & { readonly sessions: PatientSessions }) {
  return {
    signIn: createSignIn(deps, {
      startSession: (patient: Patient) => deps.sessions.create(patient),
      endSession: (token) => deps.sessions.destroy(token),
      signedIn: (patient, context) => ({
        ...context,
        actor: patientActor(patient),
        nhsNumber: patient.nhsNumber,
        action: 'patient-sign-in',
        outcome: 'success',
        method: 'nhs-login',
      }),
      // No patient is known yet: the entry names only why.
      refused: (reason: NhsLoginFailure, context) => ({
        action: 'patient-sign-in-failed',
        ...context,
        actor: null,
        outcome: reason === 'provider-unavailable' ? 'failure' : 'denied',
        method: 'nhs-login',
        reasonCode: reason,
      }),
    }),
    signOut: createSignOut<Patient>(deps, {
      endSession: (token) => deps.sessions.destroy(token),
      signedOut: (patient, context) => ({
        ...context,
        actor: patientActor(patient),
        nhsNumber: patient.nhsNumber,
        action: 'patient-sign-out',
        outcome: 'success',
      }),
    }),
  };
}

/** Patient sign-in and sign-out. */
export type PatientSignIn = ReturnType<typeof createPatientSignIn>;
