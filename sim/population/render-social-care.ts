/** @module Renders what social care holds for a patient: the episode, the care package plan, the safeguarding flag and the named social worker. */
import { CARE_CODES } from './data/clinical-codes.ts';
import type { SimPatient } from './patient-model.ts';
import { PROVIDERS } from './practices.ts';
import { ODS_SYSTEM, concept, reference, settingPatient, ukCoreMeta } from './r4-common.ts';

/** Social care's resources, or undefined when social care has no involvement. */
export function renderSocialCareRecord(patient: SimPatient): fhir4.FhirResource[] | undefined {
  const s = patient.socialCare;
  if (!s) return undefined;
  const patientId = `sc-${s.localId}`;
  const subject = reference('Patient', patientId);
  const council: fhir4.Reference = {
    identifier: { system: ODS_SYSTEM, value: PROVIDERS.socialCare.ods },
    display: PROVIDERS.socialCare.name,
  };
  const worker = `${s.socialWorker.given.join(' ')} ${s.socialWorker.family}`;
  const out: fhir4.FhirResource[] = [
    settingPatient(
      patient,
      patientId,
      'https://fhir.northgate-council.example/Id/person',
      s.localId,
      patient.birthDate,
    ),
    {
      resourceType: 'EpisodeOfCare',
      id: s.episodeId,
      status: 'active',
      type: [
        { text: patient.birthDate > '2007-09-30' ? "Children's social care" : 'Adult social care' },
      ],
      patient: subject,
      managingOrganization: council,
      period: { start: s.start },
      team: [reference('CareTeam', s.careTeamId)],
    },
    {
      resourceType: 'CareTeam',
      id: s.careTeamId,
      status: 'active',
      name: 'Allocated social work team',
      subject,
      period: { start: s.start },
      participant: [
        {
          role: [concept(CARE_CODES.socialWorker)],
          member: { display: worker },
          onBehalfOf: council,
        },
      ],
      managingOrganization: [council],
    },
    {
      resourceType: 'CarePlan',
      id: s.carePackage.id,
      meta: ukCoreMeta('CarePlan'),
      status: 'active',
      intent: 'plan',
      title: 'Care and support plan',
      description: s.carePackage.description,
      subject,
      period: { start: s.carePackage.start },
      author: council,
      careTeam: [reference('CareTeam', s.careTeamId)],
    },
  ];
  if (s.safeguarding) {
    out.push({
      resourceType: 'Flag',
      id: s.safeguarding.id,
      status: 'active',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/flag-category',
              code: 'safety',
              display: 'Safety',
            },
          ],
        },
      ],
      code: { text: s.safeguarding.text },
      subject,
      period: { start: s.safeguarding.start },
      author: council,
    });
  }
  return out;
}
