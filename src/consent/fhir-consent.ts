/** @module A permission shaped as a FHIR R4 Consent (patient-privacy scope, permit for direct care). */
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import { isLive, type Permission } from './permission.ts';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** Renders a permission as FHIR R4 Consent. */
export function toFhirConsent(permission: Permission, at: Date): fhir4.Consent {
  const status: fhir4.Consent['status'] = isLive(permission, at) ? 'active' : 'inactive';
  return {
    resourceType: 'Consent',
    id: permission.id,
    status,
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
    patient: { identifier: { system: NHS_NUMBER_SYSTEM, value: permission.nhsNumber } },
    dateTime: permission.createdAt,
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
      action: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' },
          ],
        },
      ],
      purpose: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
          code: permission.basis === 'emergency' ? 'ETREAT' : 'TREAT',
        },
      ],
    },
  };
}
