/** @module Shared pieces of the UK Core (FHIR R4) renderers: profiles, codings, references and each setting's own Patient resource. */
import { SNOMED_SYSTEM } from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import type { SimPatient } from './patient-model.ts';
import { nhsNumberIdentifierR4 } from './render-pds.ts';

const UKCORE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-';
export const UCUM = 'http://unitsofmeasure.org';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

export function ukCoreMeta(name: string): fhir4.Meta {
  return { profile: [`${UKCORE}${name}`] };
}

export function concept(c: Concept): fhir4.CodeableConcept {
  return { coding: [{ system: SNOMED_SYSTEM, code: c.code, display: c.display }], text: c.display };
}

export function reference(type: string, id: string, display?: string): fhir4.Reference {
  return { reference: `${type}/${id}`, ...(display ? { display } : {}) };
}

/** A setting's own Patient resource: its local id, the NHS number, and the demographics it holds. */
export function settingPatient(
  patient: SimPatient,
  id: string,
  localSystem: string,
  localId: string,
  birthDate: string,
): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id,
    meta: ukCoreMeta('Patient'),
    identifier: [nhsNumberIdentifierR4(patient.nhsNumber), { system: localSystem, value: localId }],
    name: [
      {
        use: 'official',
        family: patient.name.family,
        given: [...patient.name.given],
        prefix: [patient.name.prefix],
      },
    ],
    gender: patient.gender,
    birthDate,
    ...(patient.deceasedDateTime !== undefined
      ? { deceasedDateTime: patient.deceasedDateTime }
      : {}),
    ...(patient.restricted
      ? {
          meta: {
            ...ukCoreMeta('Patient'),
            security: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
                code: 'R',
                display: 'restricted',
              },
            ],
          },
        }
      : {
          address: [
            {
              use: 'home',
              line: [...patient.address.line],
              city: patient.address.city,
              district: patient.address.district,
              postalCode: patient.address.postalCode,
            },
          ],
        }),
  };
}

/** An R4 Observation for a vital sign or measurement. */
export function vitalObservation(
  id: string,
  patientRef: fhir4.Reference,
  item: {
    readonly dateTime: string;
    readonly concept: Concept;
    readonly quantity?: { readonly value: number; readonly unit: string; readonly ucum: string };
    readonly bloodPressure?: { readonly systolic: number; readonly diastolic: number };
  },
  encounter?: fhir4.Reference,
): fhir4.Observation {
  const q = (value: number, unit: string, code: string): fhir4.Quantity => ({
    value,
    unit,
    system: UCUM,
    code,
  });
  return {
    resourceType: 'Observation',
    id,
    meta: ukCoreMeta('Observation'),
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'vital-signs',
            display: 'Vital Signs',
          },
        ],
      },
    ],
    code: concept(item.concept),
    subject: patientRef,
    ...(encounter ? { encounter } : {}),
    effectiveDateTime: item.dateTime,
    ...(item.quantity
      ? { valueQuantity: q(item.quantity.value, item.quantity.unit, item.quantity.ucum) }
      : {}),
    ...(item.bloodPressure
      ? {
          component: [
            {
              code: concept({ code: '72313002', display: 'Systolic arterial pressure' }),
              valueQuantity: q(item.bloodPressure.systolic, 'mmHg', 'mm[Hg]'),
            },
            {
              code: concept({ code: '1091811000000102', display: 'Diastolic arterial pressure' }),
              valueQuantity: q(item.bloodPressure.diastolic, 'mmHg', 'mm[Hg]'),
            },
          ],
        }
      : {}),
  };
}
