/**
 * @module The unsigned audit-and-provenance JWT GP Connect requires on every call,
 * built afresh from the signed-in clinician (GP Connect cross-organisation audit and provenance).
 */
import type { RequestingUser } from '../source-result.ts';

export const ODS_ORGANISATION_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const SDS_USER_SYSTEM = 'https://fhir.nhs.uk/Id/sds-user-id';
export const SDS_ROLE_PROFILE_SYSTEM = 'https://fhir.nhs.uk/Id/sds-role-profile-id';
/** The system under which our own user ids are given (a consumer-defined system is allowed). */
export const LOCAL_USER_SYSTEM = 'https://mycarerecord.nhs.uk/Id/user';
export const DEVICE_SYSTEM = 'https://mycarerecord.nhs.uk/Id/device';

/** The token lives exactly five minutes, as the specification requires. */
export const JWT_LIFETIME_SECONDS = 300;

export interface GpcJwtInput {
  readonly user: RequestingUser;
  /** Our own URL: the issuer. */
  readonly consumerUrl: string;
  /** The provider's service root URL: the audience. */
  readonly providerUrl: string;
  /** Our product name, sent as the requesting device's model. */
  readonly productName: string;
  readonly productVersion: string;
  /** The name of the user's organisation, when known; else the ODS code stands in. */
  readonly organisationName?: string | undefined;
  readonly now: () => Date;
}

/** The claims GP Connect requires (STANDARDS §1.3). */
export interface GpcJwtClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  readonly reason_for_request: 'directcare';
  readonly requested_scope: 'patient/*.read';
  readonly requesting_device: object;
  readonly requesting_organization: object;
  readonly requesting_practitioner: object;
}

/** The claim set for one call. */
export function buildJwtClaims(input: GpcJwtInput): GpcJwtClaims {
  const iat = Math.floor(input.now().getTime() / 1000);
  const { user } = input;
  const name = splitName(user.displayName);
  return {
    iss: input.consumerUrl,
    sub: user.id,
    aud: input.providerUrl,
    iat,
    exp: iat + JWT_LIFETIME_SECONDS,
    reason_for_request: 'directcare',
    requested_scope: 'patient/*.read',
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: DEVICE_SYSTEM, value: input.productName }],
      model: input.productName,
      version: input.productVersion,
    },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: user.organisation }],
      name: input.organisationName ?? user.organisation,
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: user.id,
      identifier: [
        { system: SDS_USER_SYSTEM, value: nonEmpty(user.sdsUserId) ?? 'UNK' },
        { system: SDS_ROLE_PROFILE_SYSTEM, value: nonEmpty(user.sdsRoleProfileId) ?? 'UNK' },
        { system: LOCAL_USER_SYSTEM, value: user.username },
      ],
      name: [{ ...name, text: user.displayName }],
    },
  };
}

/** A fresh unsigned token: `{"alg":"none","typ":"JWT"}`, the claims, and an empty signature (trailing `.`). */
export function createGpcJwt(input: GpcJwtInput): string {
  const header = base64Url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const payload = base64Url(JSON.stringify(buildJwtClaims(input)));
  return `${header}.${payload}.`;
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** "Dr Jane Smith" → family "Smith", given ["Jane"], prefix ["Dr"]. */
function splitName(displayName: string): { family: string; given: string[]; prefix?: string[] } {
  const words = displayName
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const first = words[0];
  const hasPrefix =
    first !== undefined && words.length > 1 && PREFIXES.has(first.replace(/\.$/, '').toLowerCase());
  const rest = hasPrefix ? words.slice(1) : words;
  const family = rest.at(-1) ?? displayName;
  const given = rest.slice(0, -1);
  return hasPrefix ? { family, given, prefix: [first] } : { family, given };
}

const PREFIXES = new Set(['dr', 'mr', 'mrs', 'ms', 'miss', 'mx', 'prof', 'nurse', 'sister']);
