/** @module Renders a synthetic patient as a PDS FHIR R4 Patient, shaped like the PDS sandbox payloads. */
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import type { SimPatient } from './patient-model.ts';

const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** The UK Core NHS number identifier with verification status 01. */
export function nhsNumberIdentifierR4(nhsNumber: string): fhir4.Identifier {
  return {
    system: NHS_NUMBER_SYSTEM,
    value: nhsNumber,
    extension: [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
        valueCodeableConcept: {
          coding: [
            {
              system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus',
              version: '1.0.0',
              code: '01',
              display: 'Number present and verified',
            },
          ],
        },
      },
    ],
  };
}

/** The PDS Patient: restricted patients carry the R label and no address, telecom or GP. */
export function renderPdsPatient(patient: SimPatient): fhir4.Patient {
  const registered = patient.gp.registeredSince;
  const resource: fhir4.Patient = {
    resourceType: 'Patient',
    id: patient.nhsNumber,
    identifier: [nhsNumberIdentifierR4(patient.nhsNumber)],
    meta: {
      versionId: '1',
      security: [
        patient.restricted
          ? { system: CONFIDENTIALITY, code: 'R', display: 'restricted' }
          : { system: CONFIDENTIALITY, code: 'U', display: 'unrestricted' },
      ],
    },
    name: [
      {
        id: 'name-1',
        use: 'usual',
        period: { start: patient.birthDate },
        given: [...patient.name.given],
        family: patient.name.family,
        prefix: [patient.name.prefix],
      },
    ],
    gender: patient.gender,
    birthDate: patient.birthDate,
  };
  if (patient.deceasedDateTime !== undefined) {
    resource.deceasedDateTime = patient.deceasedDateTime;
    resource.extension = [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus',
        extension: [
          {
            url: 'deathNotificationStatus',
            valueCodeableConcept: {
              coding: [
                {
                  system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus',
                  version: '1.0.0',
                  code: '2',
                  display: 'Formal - death notice received from Registrar of Deaths',
                },
              ],
            },
          },
          { url: 'systemEffectiveDate', valueDateTime: patient.deceasedDateTime },
        ],
      },
    ];
  }
  if (patient.restricted) return resource;
  resource.address = [
    {
      id: 'address-1',
      period: { start: registered },
      use: 'home',
      line: [...patient.address.line, patient.address.city, patient.address.district],
      postalCode: patient.address.postalCode,
    },
  ];
  resource.telecom = [
    {
      id: 'telecom-1',
      period: { start: registered },
      system: 'phone',
      value: patient.phone.replace(/\s/g, ''),
      use: patient.phone.startsWith('07') ? 'mobile' : 'home',
    },
  ];
  resource.generalPractitioner = [
    {
      id: 'gp-1',
      type: 'Organization',
      identifier: {
        system: ODS_SYSTEM,
        value: patient.gp.practiceOds,
        period: { start: registered },
      },
    },
  ];
  return resource;
}
