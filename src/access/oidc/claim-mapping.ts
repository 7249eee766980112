/**
 * @module Turns an OpenID Connect provider's claims into who the person is here: a username,
 * display name, one of our roles and an ODS organisation code, as the configuration says.
 * Pure: no I/O; every refusal is a value with a reason code for the audit.
 */
import type { OidcConfig } from '../../config/config-schema.ts';
import { isRole, type Role } from '../../shared/roles.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

/** ODS organisation codes as accounts hold them (see `ODS_CODE_PATTERN` in user-accounts.ts). */
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const USERNAME_MAX = 64;
const DISPLAY_NAME_MAX = 200;

/** The person as our accounts know them, mapped from the provider's claims. */
export interface OidcIdentity {
  /** The provider's `sub`. */
  readonly subject: string;
  /** A username in our pattern, derived from the configured claim. */
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly organisation: string;
  readonly sdsUserId?: string | undefined;
}

/** Why claims could not be mapped (audited as the `reasonCode` of `sign-in-failed`). */
export type ClaimMappingFailure =
  'no-subject' | 'no-username' | 'role-not-mapped' | 'organisation-missing';

export type ClaimMappingResult =
  | { readonly ok: true; readonly identity: OidcIdentity }
  | { readonly ok: false; readonly reason: ClaimMappingFailure; readonly attempted: string };

export type Claims = Readonly<Record<string, unknown>>;

type ClaimSettings = OidcConfig['claims'];

/** One value a claim yields, with the entry (object) it came from when the claim holds objects. */
interface ClaimValue {
  readonly value: string;
  readonly entry: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Every string a claim yields: a string itself, each string of an array, or `field` of an object
 * or of each object in an array. Anything else yields nothing.
 */
export function claimValues(claims: Claims, claim: string, field?: string): ClaimValue[] {
  const raw = claims[claim];
  const items: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  return items.flatMap((item): ClaimValue[] => {
    if (field === undefined)
      return typeof item === 'string' ? [{ value: item, entry: undefined }] : [];
    if (!isJsonObject(item)) return [];
    const value = item[field];
    return typeof value === 'string' ? [{ value, entry: item }] : [];
  });
}

function firstString(claims: Claims, claim: string): string | undefined {
  return claimValues(claims, claim)[0]?.value;
}

/** Lower-case, characters outside our username pattern become `-`, cut to 64. */
export function usernameFromClaim(value: string): string | undefined {
  const cleaned = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, USERNAME_MAX);
  return /^[a-z0-9][a-z0-9._-]{1,63}$/.test(cleaned) ? cleaned : undefined;
}

/** Our role for one claim value: the value itself, or its last `:`-separated part (CIS2 `S8000:G8000:R8000`). */
function lookUpRole(values: Readonly<Record<string, Role>>, value: string): Role | undefined {
  const whole = Object.hasOwn(values, value) ? values[value] : undefined;
  if (whole !== undefined) return whole;
  const last = value.split(':').pop() ?? value;
  return Object.hasOwn(values, last) ? values[last] : undefined;
}

function mapRole(
  claims: Claims,
  setting: ClaimSettings['role'],
): { role: Role; entry: ClaimValue['entry'] } | undefined {
  if (typeof setting === 'string') {
    const value = firstString(claims, setting);
    return isRole(value) ? { role: value, entry: undefined } : undefined;
  }
  const candidates = claimValues(claims, setting.claim, setting.field);
  const selectedId =
    setting.selectedBy === undefined ? undefined : firstString(claims, setting.selectedBy.claim);
  const selectedField = setting.selectedBy?.field;
  // The role the person chose at the provider first, then the others in the order given.
  const ordered =
    selectedId === undefined || selectedField === undefined
      ? candidates
      : [
          ...candidates.filter((c) => c.entry?.[selectedField] === selectedId),
          ...candidates.filter((c) => c.entry?.[selectedField] !== selectedId),
        ];
  for (const candidate of ordered) {
    const role = lookUpRole(setting.values, candidate.value);
    if (role !== undefined) return { role, entry: candidate.entry };
  }
  return undefined;
}

function mapOrganisation(
  claims: Claims,
  setting: ClaimSettings['organisation'],
  roleSetting: ClaimSettings['role'],
  roleEntry: ClaimValue['entry'],
): string | undefined {
  const path = typeof setting === 'string' ? { claim: setting, field: undefined } : setting;
  // The organisation that goes with the role matched, when both come from the same entry.
  if (
    roleEntry !== undefined &&
    path.field !== undefined &&
    typeof roleSetting !== 'string' &&
    roleSetting.claim === path.claim
  ) {
    const value = roleEntry[path.field];
    return typeof value === 'string' && ODS_CODE.test(value.trim()) ? value.trim() : undefined;
  }
  return claimValues(claims, path.claim, path.field)
    .map((c) => c.value.trim())
    .find((value) => ODS_CODE.test(value));
}

/** Maps a provider's claims (ID token and UserInfo, merged) to our identity, or says why not. */
export function mapClaims(claims: Claims, settings: ClaimSettings): ClaimMappingResult {
  const subject = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  const usernameClaim = firstString(claims, settings.username) ?? '';
  const attempted = usernameClaim === '' ? subject : usernameClaim;
  if (subject === '') return { ok: false, reason: 'no-subject', attempted };
  const username = usernameFromClaim(usernameClaim);
  if (username === undefined) return { ok: false, reason: 'no-username', attempted };
  const role = mapRole(claims, settings.role);
  if (role === undefined) return { ok: false, reason: 'role-not-mapped', attempted };
  const organisation = mapOrganisation(claims, settings.organisation, settings.role, role.entry);
  if (organisation === undefined) return { ok: false, reason: 'organisation-missing', attempted };
  // eslint-disable-next-line no-control-regex -- a name on one line, as accounts hold it
  const name = (firstString(claims, settings.displayName) ?? '').replace(/[\x00-\x1F\x7F]/g, ' ');
  const displayName = name.trim().slice(0, DISPLAY_NAME_MAX) || username;
  const sdsUserId =
    settings.sdsUserId === undefined ? undefined : firstString(claims, settings.sdsUserId);
  return {
    ok: true,
    identity: {
      subject,
      username,
      displayName,
      role: role.role,
      organisation,
      ...(sdsUserId !== undefined && /^[A-Za-z0-9._:-]{1,64}$/.test(sdsUserId)
        ? { sdsUserId }
        : {}),
    },
  };
}
