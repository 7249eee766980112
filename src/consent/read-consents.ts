/**
 * @module Reading the permissions, emergency accesses and dissents of a patient as FHIR Consent
 * (privacy officers, through the FHIR API), as steps: the token's scope → access (the policy's
 * `search-audit`: they say who may look at whom) → the consents → the reading audited as
 * `audit-searched` before they leave.
 */
import type { Policy } from '../access/policy/policy.ts';
import {
  auditedSearch,
  type ActionRequest,
  type AuditedActionDeps,
} from '../audit/audited-action.ts';
import { dissentToFhirConsent, toFhirConsent } from './fhir-consent.ts';
import type { Permissions } from './permissions.ts';

/** One Consent and the id its `fullUrl` names. */
export interface FoundConsent {
  readonly id: string;
  readonly resource: fhir4.Consent;
}

export interface SearchConsentsRequest extends ActionRequest {
  readonly nhsNumber: string;
  /** The page wanted; `summaryCount`: only how many there are. */
  readonly page: {
    readonly offset: number;
    readonly count: number;
    readonly summaryCount: boolean;
  };
}

export interface ReadConsentRequest extends ActionRequest {
  readonly id: string;
  /** Checked before the role, with the patient the consent concerns (token scopes); throws to refuse. */
  readonly scope?: ((nhsNumber: string | undefined) => Promise<void>) | undefined;
}

/** The Consent readings. Each throws Forbidden (audited) or the audit's error (then nothing leaves). */
export function createReadConsents(
  deps: AuditedActionDeps & {
    readonly policy: Pick<Policy, 'mayDo'>;
    readonly permissions: Pick<
      Permissions,
      'listForPatient' | 'listDissents' | 'get' | 'getDissent'
    >;
  },
) {
  return {
    /** One page of a patient's consents (permissions and emergency accesses first, then dissents). */
    search(
      request: SearchConsentsRequest,
    ): Promise<{ readonly shown: readonly FoundConsent[]; readonly total: number }> {
      const { nhsNumber, page } = request;
      return auditedSearch(deps, request, {
        attempted: 'fhir-consent-search',
        nhsNumber,
        read: async () => {
          const at = deps.now();
          const [granted, dissents] = await Promise.all([
            deps.permissions.listForPatient(nhsNumber),
            deps.permissions.listDissents(nhsNumber),
          ]);
          const consents = [
            ...granted.map((permission) => ({
              id: permission.id,
              resource: toFhirConsent(permission, at),
            })),
            ...dissents.map((dissent) => ({
              id: dissent.id,
              resource: dissentToFhirConsent(dissent),
            })),
          ];
          const shown = page.summaryCount
            ? []
            : consents.slice(page.offset, page.offset + page.count);
          return { shown, total: consents.length };
        },
        counted: ({ shown }) => ({ resultCount: shown.length, nhsNumber }),
      });
    },

    /** One Consent by id (a permission, an emergency access or a dissent); undefined when none. */
    async read(request: ReadConsentRequest): Promise<fhir4.Consent | undefined> {
      const permission = await deps.permissions.get(request.id);
      const dissent =
        permission === undefined ? await deps.permissions.getDissent(request.id) : undefined;
      const nhsNumber = permission?.nhsNumber ?? dissent?.nhsNumber;
      await request.scope?.(nhsNumber);
      return auditedSearch(deps, request, {
        attempted: 'fhir-consent-read',
        nhsNumber,
        read: async () =>
          permission !== undefined
            ? toFhirConsent(permission, deps.now())
            : dissent === undefined
              ? undefined
              : dissentToFhirConsent(dissent),
        counted: (consent) =>
          consent === undefined || nhsNumber === undefined
            ? undefined
            : { resultCount: 1, nhsNumber },
      });
    },
  };
}

/** The Consent readings. */
export type ReadConsents = ReturnType<typeof createReadConsents>;
