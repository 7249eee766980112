/** @module Renders what community and mental health services hold for a patient as UK Core R4 resources. */
import { ENCOUNTER_TYPES } from './data/clinical-codes.ts';
import type { SimPatient } from './patient-model.ts';
import { PROVIDERS } from './practices.ts';
import {
  ODS_SYSTEM,
  concept,
  reference,
  settingPatient,
  ukCoreMeta,
  vitalObservation,
} from './r4-common.ts';

const TEAM_NAMES = {
  'health-visiting': 'Health visiting team',
  'district-nursing': 'District nursing team',
  'community-mental-health': 'Community mental health team',
} as const;

/** The community provider's resources, or undefined when it does not know the patient. */
export function renderCommunityRecord(patient: SimPatient): fhir4.FhirResource[] | undefined {
  const c = patient.community;
  if (!c) return undefined;
  const patientId = `comm-${c.localId}`;
  const subject = reference('Patient', patientId);
  const provider: fhir4.Reference = {
    identifier: { system: ODS_SYSTEM, value: PROVIDERS.community.ods },
    display: PROVIDERS.community.name,
  };
  const out: fhir4.FhirResource[] = [
    settingPatient(
      patient,
      patientId,
      'https://fhir.dales-community.example/Id/patient',
      c.localId,
      patient.birthDate,
    ),
  ];
  for (const v of c.visits) {
    out.push({
      resourceType: 'Encounter',
      id: v.id,
      meta: ukCoreMeta('Encounter'),
      status: 'finished',
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'HH',
        display: 'home health',
      },
      type: [concept(ENCOUNTER_TYPES.faceToFace)],
      serviceType: { text: TEAM_NAMES[c.team] },
      subject,
      participant: [{ individual: { display: v.clinician } }],
      period: { start: v.dateTime },
      serviceProvider: provider,
      extension: [
        {
          url: 'https://fhir.dales-community.example/StructureDefinition/visit-note',
          valueString: v.note,
        },
      ],
    });
  }
  c.growth.forEach((g) => out.push(vitalObservation(g.id, subject, g)));
  for (const i of c.immunisations) {
    out.push({
      resourceType: 'Immunization',
      id: i.id,
      meta: ukCoreMeta('Immunization'),
      status: 'completed',
      vaccineCode: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
            code: 'UNK',
            display: 'unknown',
          },
        ],
        text: i.concept.display,
      },
      patient: subject,
      occurrenceDateTime: i.date,
      primarySource: true,
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-VaccinationProcedure',
          valueCodeableConcept: concept(i.concept),
        },
      ],
    });
  }
  for (const plan of c.carePlans) {
    out.push({
      resourceType: 'CarePlan',
      id: plan.id,
      meta: ukCoreMeta('CarePlan'),
      status: 'active',
      intent: 'plan',
      category: [concept(plan.concept)],
      title: plan.title,
      description: plan.description,
      subject,
      created: plan.created,
      period: { start: plan.created },
      author: provider,
    });
  }
  return out;
}
