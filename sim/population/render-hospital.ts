/** @module Renders what the hospital EPR holds for a patient as UK Core R4 resources (its own Patient first). */
import { DOCUMENT_TYPES, ENCOUNTER_TYPES } from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import { LAB_PANELS, LAB_TESTS } from './data/lab-tests.ts';
import type { SimPatient } from './patient-model.ts';
import { PROVIDERS } from './practices.ts';
import {
  ODS_SYSTEM,
  UCUM,
  concept,
  reference,
  settingPatient,
  ukCoreMeta,
  vitalObservation,
} from './r4-common.ts';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const hospitalOrg: fhir4.Reference = {
  identifier: { system: ODS_SYSTEM, value: PROVIDERS.hospital.ods },
  display: PROVIDERS.hospital.name,
};

function encounter(
  id: string,
  subject: fhir4.Reference,
  cls: 'IMP' | 'AMB',
  type: Concept,
  start: string,
  end: string | undefined,
  serviceType: string,
  reason?: Concept,
): fhir4.Encounter {
  return {
    resourceType: 'Encounter',
    id,
    meta: ukCoreMeta('Encounter'),
    status: 'finished',
    class: {
      system: ACT_CODE,
      code: cls,
      display: cls === 'IMP' ? 'inpatient encounter' : 'ambulatory',
    },
    type: [concept(type)],
    serviceType: { text: serviceType },
    subject,
    period: { start, ...(end ? { end } : {}) },
    ...(reason ? { reasonCode: [concept(reason)] } : {}),
    serviceProvider: hospitalOrg,
  };
}

function condition(
  id: string,
  subject: fhir4.Reference,
  c: Concept,
  recorded: string,
  encounterRef?: fhir4.Reference,
): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id,
    meta: ukCoreMeta('Condition'),
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
      ],
    },
    verificationStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' },
      ],
    },
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-category',
            code: 'encounter-diagnosis',
            display: 'Encounter Diagnosis',
          },
        ],
      },
    ],
    code: concept(c),
    subject,
    ...(encounterRef ? { encounter: encounterRef } : {}),
    recordedDate: recorded,
  };
}

function procedure(
  id: string,
  subject: fhir4.Reference,
  c: Concept,
  performed: string,
  encounterRef?: fhir4.Reference,
): fhir4.Procedure {
  return {
    resourceType: 'Procedure',
    id,
    meta: ukCoreMeta('Procedure'),
    status: 'completed',
    code: concept(c),
    subject,
    ...(encounterRef ? { encounter: encounterRef } : {}),
    performedDateTime: performed,
  };
}

/** The hospital's resources for the patient, or undefined when the hospital does not know them. */
export function renderHospitalRecord(patient: SimPatient): fhir4.FhirResource[] | undefined {
  const h = patient.hospital;
  if (!h) return undefined;
  const patientId = `hosp-${h.localId}`;
  const subject = reference('Patient', patientId);
  const out: fhir4.FhirResource[] = [
    settingPatient(
      patient,
      patientId,
      'https://fhir.northgate-hospitals.example/Id/mrn',
      h.localId,
      h.birthDate,
    ),
  ];
  for (const allergy of patient.gp.allergies.filter(
    (a) => a.ended === undefined && a.confidential !== true,
  )) {
    out.push({
      resourceType: 'AllergyIntolerance',
      id: `hosp-${allergy.id}`,
      meta: ukCoreMeta('AllergyIntolerance'),
      clinicalStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
            code: 'active',
          },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'confirmed',
          },
        ],
      },
      category: [allergy.category],
      code: concept(allergy.concept),
      patient: subject,
      recordedDate: allergy.recorded,
      reaction: [{ manifestation: [concept(allergy.reaction)], severity: allergy.severity }],
    });
  }
  for (const a of h.admissions) {
    const enc = reference('Encounter', a.id);
    out.push(
      encounter(
        a.id,
        subject,
        'IMP',
        a.emergency ? ENCOUNTER_TYPES.emergencyAdmission : ENCOUNTER_TYPES.hospitalAdmission,
        a.start,
        a.end,
        a.ward,
        a.diagnosis,
      ),
    );
    out.push(condition(a.diagnosisId, subject, a.diagnosis, a.start, enc));
    if (a.procedure)
      out.push(procedure(a.procedure.id, subject, a.procedure.concept, a.start, enc));
    a.vitals.forEach((v) => out.push(vitalObservation(v.id, subject, v, enc)));
    if (a.labs) {
      const labs = a.labs;
      const results: fhir4.Observation[] = labs.results.map((r) => {
        const t = LAB_TESTS[r.test];
        const low = 'low' in t ? t.low : undefined;
        const high = 'high' in t ? t.high : undefined;
        return {
          resourceType: 'Observation',
          id: r.id,
          meta: ukCoreMeta('Observation-Lab'),
          status: 'final',
          category: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                  code: 'laboratory',
                  display: 'Laboratory',
                },
              ],
            },
          ],
          code: concept(t.concept),
          subject,
          encounter: enc,
          effectiveDateTime: labs.dateTime,
          valueQuantity: { value: r.value, unit: t.unit, system: UCUM, code: t.ucum },
          referenceRange: [
            {
              ...(low !== undefined ? { low: { value: low, unit: t.unit } } : {}),
              ...(high !== undefined ? { high: { value: high, unit: t.unit } } : {}),
            },
          ],
        };
      });
      out.push(...results);
      const panel = LAB_PANELS[labs.panel];
      out.push({
        resourceType: 'DiagnosticReport',
        id: labs.id,
        meta: ukCoreMeta('DiagnosticReport-Lab'),
        status: 'final',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v2-0074',
                code: 'LAB',
                display: 'Laboratory',
              },
            ],
          },
        ],
        code:
          'group' in panel
            ? concept(panel.group)
            : concept(LAB_TESTS[labs.results[0]?.test ?? 'haemoglobin'].concept),
        subject,
        encounter: enc,
        effectiveDateTime: labs.dateTime,
        issued: labs.dateTime,
        result: results.map((r) => reference('Observation', r.id ?? '')),
        conclusion: labs.filingComment,
      });
    }
    for (const m of a.dischargeMedicines) {
      out.push({
        resourceType: 'MedicationRequest',
        id: m.id,
        meta: ukCoreMeta('MedicationRequest'),
        status: 'active',
        intent: 'order',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
                code: 'discharge',
                display: 'Discharge',
              },
            ],
          },
        ],
        medicationCodeableConcept: concept(m.medicine.concept),
        subject,
        encounter: enc,
        authoredOn: a.end,
        dosageInstruction: [{ text: m.medicine.dosage }],
        dispenseRequest: { quantity: { value: m.medicine.quantity, unit: m.medicine.unit } },
        note: [{ text: m.note }],
      });
    }
    out.push({
      resourceType: 'DocumentReference',
      id: a.summaryId,
      meta: ukCoreMeta('DocumentReference'),
      status: 'current',
      type: concept(DOCUMENT_TYPES.dischargeLetter),
      subject,
      date: a.end,
      author: [hospitalOrg],
      description: 'Discharge summary',
      content: [
        {
          attachment: {
            contentType: 'text/plain',
            language: 'en-GB',
            data: Buffer.from(a.summaryText, 'utf8').toString('base64'),
            title: 'Discharge summary',
          },
        },
      ],
      context: { encounter: [enc], period: { start: a.start, end: a.end } },
    });
  }
  for (const o of h.outpatients) {
    out.push(
      encounter(
        o.id,
        subject,
        'AMB',
        ENCOUNTER_TYPES.consultation,
        o.dateTime,
        undefined,
        o.clinic,
        o.reason,
      ),
    );
    if (o.reason && o.reasonId)
      out.push(condition(o.reasonId, subject, o.reason, o.dateTime, reference('Encounter', o.id)));
  }
  for (const f of h.followUps) {
    out.push({
      resourceType: 'ServiceRequest',
      id: f.id,
      meta: ukCoreMeta('ServiceRequest'),
      status: 'active',
      intent: 'order',
      code: concept(f.concept),
      subject,
      occurrenceDateTime: f.date,
      requester: hospitalOrg,
    });
  }
  for (const r of h.restricted) {
    const encRef = reference('Encounter', `${r.id}-encounter`);
    out.push(
      encounter(
        `${r.id}-encounter`,
        subject,
        'AMB',
        ENCOUNTER_TYPES.consultation,
        r.dateTime,
        undefined,
        r.clinic,
        r.kind === 'encounter' ? r.concept : undefined,
      ),
    );
    if (r.kind === 'condition') out.push(condition(r.id, subject, r.concept, r.dateTime, encRef));
    if (r.kind === 'procedure') out.push(procedure(r.id, subject, r.concept, r.dateTime, encRef));
  }
  return out;
}
