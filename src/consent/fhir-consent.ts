/** @module A permission shaped as a FHIR R4 Consent (patient-privacy scope, permit for direct care). */
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import { isLive, type Permission } from './permission.ts';
import type { Dissent } from './permissions.ts';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** The start every Consent here shares: patient privacy, about access to one patient's information. */
function consentHead(fields: {
  readonly id: string;
  readonly status: 'active' | 'inactive';
  readonly nhsNumber: string;
  readonly dateTime: string;
}): fhir4.Consent {
  return {
    resourceType: 'Consent',
    id: fields.id,
    status: fields.status,
    scope: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
      ],
    },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
            code: 'INFA',
            display: 'information access',
          },
        ],
      },
    ],
    patient: { identifier: { system: NHS_NUMBER_SYSTEM, value: fields.nhsNumber } },
    dateTime: fields.dateTime,
  };
}

/** The action a Consent's provision permits or denies: access to the record. */
function accessAction(): fhir4.CodeableConcept[] {
  return [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] },
  ];
}

/** Renders a permission as FHIR R4 Consent. */
export function toFhirConsent(permission: Permission, at: Date): fhir4.Consent {
  return {
    ...consentHead({
      id: permission.id,
      status: isLive(permission, at) ? 'active' : 'inactive',
      nhsNumber: permission.nhsNumber,
      dateTime: permission.createdAt,
    }),
    performer: [{ display: permission.givenBy }],
    organization: [{ identifier: { system: ODS_SYSTEM, value: permission.organisation } }],
    policyRule: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: permission.basis === 'emergency' ? 'EMRGONLY' : 'OPTIN',
        },
      ],
    },
    provision: {
      type: 'permit',
      period: { start: permission.createdAt, end: permission.withdrawnAt ?? permission.expiresAt },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
              },
            ],
          },
          reference:
            permission.scope === 'user'
              ? { reference: `Practitioner/${permission.userId}` }
              : { identifier: { system: ODS_SYSTEM, value: permission.organisation } },
        },
      ],
      action: accessAction(),
      purpose: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: permission.basis === 'emergency' ? 'ETREAT' : 'TREAT',
        },
      ],
    },
  };
}

/** Renders a local dissent register entry as FHIR R4 Consent: a `deny` of record sharing. */
export function dissentToFhirConsent(dissent: Dissent): fhir4.Consent {
  return {
    ...consentHead({
      id: dissent.id,
      status: dissent.revokedAt === undefined ? 'active' : 'inactive',
      nhsNumber: dissent.nhsNumber,
      dateTime: dissent.createdAt,
    }),
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
    },
    provision: {
      type: 'deny',
      period: {
        start: dissent.createdAt,
        ...(dissent.revokedAt === undefined ? {} : { end: dissent.revokedAt }),
      },
      action: accessAction(),
    },
  };
}

/** A FHIR searchset Bundle of Consent resources. */
export function consentSearchBundle(
  consents: readonly fhir4.Consent[],
  selfUrl: string,
): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: consents.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: consents.map((consent) => ({
      fullUrl: `urn:uuid:${consent.id ?? ''}`,
      resource: consent,
      search: { mode: 'match' },
    })),
  };
}
