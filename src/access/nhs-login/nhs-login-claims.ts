/**
 * @module Reads who a patient is from NHS login's claims (ID token and UserInfo): `sub`,
 * `nhs_number`, `identity_proofing_level` and `vot`, and the `email` they may let us keep.
 * Refuses anything below the configured proofing level, or a `vot` that claims less than it.
 */
import { PROOFING_LEVELS, type ProofingLevel } from '../../config/config-schema.ts';
import { isValidNhsNumber } from '../../identity/nhs-number.ts';

/** Why NHS login's claims do not sign a patient in (the audited `reasonCode`). */
export type NhsLoginClaimFailure =
  | 'no-subject'
  | 'no-nhs-number'
  | 'invalid-nhs-number'
  | 'no-proofing-level'
  | 'proofing-level-too-low'
  | 'vot-mismatch';

/** A patient, as NHS login vouched for them. */
export interface PatientIdentity {
  /** `sub` at NHS login. */
  readonly subject: string;
  readonly nhsNumber: string;
  readonly proofingLevel: ProofingLevel;
  /** The `email` claim when NHS login says it is verified; kept only if the patient agrees. */
  readonly email?: string | undefined;
}

export type NhsLoginClaimsResult =
  | { readonly ok: true; readonly identity: PatientIdentity }
  | { readonly ok: false; readonly reason: NhsLoginClaimFailure };

function rank(level: ProofingLevel): number {
  return PROOFING_LEVELS.indexOf(level);
}

function asLevel(value: unknown): ProofingLevel | undefined {
  return PROOFING_LEVELS.find((level) => level === value);
}

/** The identity proofing component of a Vector of Trust, e.g. `P9` in `P9.Cp.Cd`. */
export function votProofingLevel(vot: unknown): ProofingLevel | undefined {
  if (typeof vot !== 'string') return undefined;
  return asLevel(vot.split('.').find((component) => /^P[0-9]$/.test(component)));
}

const EMAIL = /^[^\s@<>()",;:]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$/;

/** Checks NHS login's claims against the lowest proofing level this deployment admits. */
export function readNhsLoginClaims(
  claims: Readonly<Record<string, unknown>>,
  minimum: ProofingLevel,
): NhsLoginClaimsResult {
  const subject = claims['sub'];
  if (typeof subject !== 'string' || subject === '' || subject.length > 255) {
    return { ok: false, reason: 'no-subject' };
  }
  const level = asLevel(claims['identity_proofing_level']);
  if (level === undefined) return { ok: false, reason: 'no-proofing-level' };
  if (rank(level) < rank(minimum)) return { ok: false, reason: 'proofing-level-too-low' };
  // The token's vector of trust must not claim less than the level it states.
  const votLevel = votProofingLevel(claims['vot']);
  if (claims['vot'] !== undefined && (votLevel === undefined || rank(votLevel) < rank(level))) {
    return { ok: false, reason: 'vot-mismatch' };
  }
  const nhsNumber = claims['nhs_number'];
  if (typeof nhsNumber !== 'string' || nhsNumber === '')
    return { ok: false, reason: 'no-nhs-number' };
  if (!isValidNhsNumber(nhsNumber)) return { ok: false, reason: 'invalid-nhs-number' };
  const email = claims['email'];
  const verified = claims['email_verified'] === true || claims['email_verified'] === 'true';
  return {
    ok: true,
    identity: {
      subject,
      nhsNumber,
      proofingLevel: level,
      ...(typeof email === 'string' && verified && EMAIL.test(email) ? { email } : {}),
    },
  };
}
