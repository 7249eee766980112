/** @module Builds the GP Connect (FHIR STU3, CareConnect-GPC) resources for one practice record, with the extension spellings real suppliers use. */
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import { GPC_LIST_CODES, SNOMED_SYSTEM } from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import { LAB_PANELS, LAB_TESTS } from './data/lab-tests.ts';
import { addDays, at } from './dates.ts';
import type {
  Clinician,
  SimAllergy,
  SimConsultation,
  SimImmunisation,
  SimInvestigation,
  SimMedication,
  SimPatient,
  SimProblem,
  SimRecall,
  SimReferral,
  SimUncategorised,
} from './patient-model.ts';
import type { PracticeDetails } from './practices.ts';

const NHS = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const HL7UK = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const UCUM = 'http://unitsofmeasure.org';

/** How a supplier names its local identifiers: practices differ the way EMIS and TPP do. */
export interface SupplierStyle {
  readonly identifierSystem: string;
}

/** The supplier style of a practice (the first practice looks like EMIS, the others like TPP). */
export function supplierStyleOf(practice: PracticeDetails, index: number): SupplierStyle {
  return index === 0
    ? { identifierSystem: `https://EMISWeb/${practice.ods}` }
    : { identifierSystem: 'https://tpp-uk.com/Id/ccs-id' };
}

export function profile(name: string): fhir3.Meta {
  return { profile: [`${NHS}CareConnect-GPC-${name}-1`] };
}

export function snomed(concept: Concept): fhir3.CodeableConcept {
  return { coding: [{ system: SNOMED_SYSTEM, code: concept.code, display: concept.display }] };
}

/** Everything the builders need about the record being rendered. */
export interface GpcContext {
  readonly patient: SimPatient;
  readonly practice: PracticeDetails;
  readonly style: SupplierStyle;
  readonly patientId: string;
  readonly organisationId: string;
  readonly locationId: string;
  readonly id: (label: string) => string;
}

const ref = (type: string, id: string): fhir3.Reference => ({ reference: `${type}/${id}` });

function identifier(ctx: GpcContext, id: string): fhir3.Identifier[] {
  return [{ system: ctx.style.identifierSystem, value: id }];
}

function practitionerRef(clinician: Clinician): fhir3.Reference {
  return ref('Practitioner', clinician.id);
}

export function gpcPatient(ctx: GpcContext): fhir3.Patient {
  const p = ctx.patient;
  return {
    resourceType: 'Patient',
    id: ctx.patientId,
    meta: { versionId: '1', ...profile('Patient') },
    extension: [
      {
        url: `${NHS}Extension-CareConnect-GPC-RegistrationDetails-1`,
        extension: [
          { url: 'registrationPeriod', valuePeriod: { start: at(p.gp.registeredSince, 0, 0) } },
          {
            url: 'registrationType',
            valueCodeableConcept: {
              coding: [
                {
                  system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationType-1',
                  code: 'R',
                  display: 'Regular',
                },
              ],
            },
          },
          { url: 'preferredBranchSurgery', valueReference: ref('Location', ctx.locationId) },
        ],
      },
    ],
    identifier: [
      {
        extension: [
          {
            url: `${NHS}Extension-CareConnect-GPC-NHSNumberVerificationStatus-1`,
            valueCodeableConcept: {
              coding: [
                {
                  system:
                    'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1',
                  code: '01',
                  display: 'Number present and verified',
                },
              ],
            },
          },
        ],
        system: NHS_NUMBER_SYSTEM,
        value: p.nhsNumber,
      },
    ],
    active: true,
    name: [
      { use: 'official', family: p.name.family, given: [...p.name.given], prefix: [p.name.prefix] },
    ],
    telecom: [
      {
        system: 'phone',
        value: p.phone.replace(/\s/g, ''),
        use: p.phone.startsWith('07') ? 'mobile' : 'home',
      },
    ],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [
      {
        use: 'home',
        type: 'physical',
        line: [...p.address.line],
        city: p.address.city,
        district: p.address.district,
        postalCode: p.address.postalCode,
      },
    ],
    generalPractitioner: [practitionerRef(p.gp.usualGp)],
    managingOrganization: ref('Organization', ctx.organisationId),
  };
}

export function gpcOrganisation(ctx: GpcContext): fhir3.Organization {
  const practice = ctx.practice;
  return {
    resourceType: 'Organization',
    id: ctx.organisationId,
    meta: { versionId: '1', ...profile('Organization') },
    extension: [
      {
        url: `${NHS}Extension-CareConnect-GPC-MainLocation-1`,
        valueReference: ref('Location', ctx.locationId),
      },
    ],
    identifier: [{ system: ODS_SYSTEM, value: practice.ods }],
    type: [
      {
        coding: [
          {
            system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1',
            code: 'gp-practice',
          },
        ],
        text: 'GP Practice',
      },
    ],
    name: practice.name,
    telecom: [{ system: 'phone', value: practice.phone.replace(/\s/g, ''), use: 'work', rank: 1 }],
    address: [
      {
        use: 'work',
        type: 'physical',
        line: [...practice.address.line],
        city: practice.address.city,
        postalCode: practice.address.postalCode,
      },
    ],
  };
}

export function gpcLocation(ctx: GpcContext): fhir3.Location {
  const practice = ctx.practice;
  return {
    resourceType: 'Location',
    id: ctx.locationId,
    meta: { versionId: '1', ...profile('Location') },
    status: 'active',
    name: practice.name,
    type: { text: 'Main Surgery' },
    address: {
      use: 'work',
      type: 'physical',
      line: [...practice.address.line],
      city: practice.address.city,
      postalCode: practice.address.postalCode,
    },
    managingOrganization: { ...ref('Organization', ctx.organisationId), display: practice.name },
  };
}

export function gpcPractitioner(clinician: Clinician): fhir3.Practitioner {
  return {
    resourceType: 'Practitioner',
    id: clinician.id,
    meta: { versionId: '1', ...profile('Practitioner') },
    identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: clinician.sdsId }],
    name: [
      {
        use: 'usual',
        family: clinician.name.family,
        given: [...clinician.name.given],
        prefix: [clinician.name.prefix],
      },
    ],
    gender: 'unknown',
  };
}

export function gpcPractitionerRole(ctx: GpcContext, clinician: Clinician): fhir3.PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: `${clinician.id}-role`,
    meta: { versionId: '1', ...profile('PractitionerRole') },
    practitioner: ref('Practitioner', clinician.id),
    organization: ref('Organization', ctx.organisationId),
    code: [
      {
        coding: [
          {
            system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1',
            code: 'R0260',
            display: 'General Medical Practitioner',
          },
        ],
      },
    ],
  };
}

export function gpcAllergy(ctx: GpcContext, allergy: SimAllergy): fhir3.AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: allergy.id,
    meta: profile('AllergyIntolerance'),
    ...(allergy.ended
      ? {
          extension: [
            {
              url: `${NHS}Extension-CareConnect-GPC-AllergyIntoleranceEnd-1`,
              extension: [
                { url: 'endDate', valueDateTime: at(allergy.ended.date, 0, 0) },
                { url: 'reasonEnded', valueString: allergy.ended.reason },
              ],
            },
          ],
        }
      : {}),
    identifier: identifier(ctx, allergy.id),
    clinicalStatus: allergy.ended ? 'resolved' : 'active',
    verificationStatus: 'unconfirmed',
    category: [allergy.category],
    code: snomed(allergy.concept),
    patient: ref('Patient', ctx.patientId),
    onsetDateTime: allergy.recorded,
    assertedDate: at(allergy.recorded, 10, 0),
    recorder: practitionerRef(ctx.patient.gp.usualGp),
    reaction: [{ manifestation: [snomed(allergy.reaction)], severity: allergy.severity }],
  };
}

/** The id of the Medication resource for a medicine in this record. */
export function medicationId(ctx: GpcContext, medication: SimMedication): string {
  return ctx.id(`medication:${medication.medicine.concept.code}`);
}

export function gpcMedication(ctx: GpcContext, medication: SimMedication): fhir3.Medication {
  return {
    resourceType: 'Medication',
    id: medicationId(ctx, medication),
    meta: profile('Medication'),
    code: snomed(medication.medicine.concept),
  };
}

function prescriptionType(medication: SimMedication): fhir3.Extension {
  const code = medication.type;
  return {
    url: `${NHS}Extension-CareConnect-GPC-PrescriptionType-1`,
    valueCodeableConcept: {
      coding: [
        {
          system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescriptionType-1',
          code,
          display: code === 'repeat' ? 'Repeat' : 'Acute',
        },
      ],
    },
  };
}

function dispense(
  medication: SimMedication,
  start: string,
  end: string,
): fhir3.MedicationRequestDispenseRequest {
  const m = medication.medicine;
  return {
    validityPeriod: { start, end },
    quantity: { value: m.quantity, unit: m.unit },
    expectedSupplyDuration: { value: m.supplyDays, unit: 'day', system: UCUM, code: 'd' },
  };
}

export function gpcMedicationStatement(
  ctx: GpcContext,
  medication: SimMedication,
): fhir3.MedicationStatement {
  const lastIssue = medication.issues.at(-1) ?? medication.start;
  return {
    resourceType: 'MedicationStatement',
    id: `${medication.id}-MS`,
    meta: profile('MedicationStatement'),
    extension: [
      {
        url: `${NHS}Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`,
        valueDateTime: at(lastIssue, 0, 0),
      },
      {
        url: `${NHS}Extension-CareConnect-GPC-PrescribingAgency-1`,
        valueCodeableConcept: {
          coding: [
            {
              system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescribingAgency-1',
              code: 'prescribed-at-gp-practice',
              display: 'Prescribed at GP practice',
            },
          ],
        },
      },
    ],
    identifier: identifier(ctx, `${medication.id}-MS`),
    basedOn: [ref('MedicationRequest', medication.id)],
    status: medication.status,
    medicationReference: ref('Medication', medicationId(ctx, medication)),
    effectivePeriod: {
      start: medication.start,
      ...(medication.end ? { end: medication.end } : {}),
    },
    dateAsserted: at(medication.start, 9, 0),
    subject: ref('Patient', ctx.patientId),
    taken: 'unk',
    dosage: [{ text: medication.medicine.dosage }],
  };
}

export function gpcMedicationPlan(
  ctx: GpcContext,
  medication: SimMedication,
): fhir3.MedicationRequest {
  const repeat = medication.type === 'repeat';
  return {
    resourceType: 'MedicationRequest',
    id: medication.id,
    meta: profile('MedicationRequest'),
    extension: [
      prescriptionType(medication),
      ...(repeat
        ? [
            {
              url: `${NHS}Extension-CareConnect-GPC-MedicationRepeatInformation-1`,
              extension: [
                {
                  url: 'numberOfRepeatPrescriptionsAllowed',
                  valuePositiveInt: medication.repeatsAllowed ?? 12,
                },
                {
                  url: 'numberOfRepeatPrescriptionsIssued',
                  valuePositiveInt: Math.max(1, medication.issues.length),
                },
              ],
            },
          ]
        : []),
    ],
    identifier: identifier(ctx, medication.id),
    groupIdentifier: { value: medication.id },
    status: medication.status,
    intent: 'plan',
    medicationReference: ref('Medication', medicationId(ctx, medication)),
    subject: ref('Patient', ctx.patientId),
    authoredOn: at(medication.start, 9, 0),
    recorder: practitionerRef(ctx.patient.gp.usualGp),
    dosageInstruction: [{ text: medication.medicine.dosage }],
    dispenseRequest: dispense(
      medication,
      medication.start,
      medication.end ?? addDays(medication.start, 365),
    ),
  };
}

export function gpcMedicationIssues(
  ctx: GpcContext,
  medication: SimMedication,
): fhir3.MedicationRequest[] {
  return medication.issues.map((date, n) => {
    const id = `${medication.id}-issue-${n + 1}`;
    return {
      resourceType: 'MedicationRequest',
      id,
      meta: profile('MedicationRequest'),
      extension: [prescriptionType(medication)],
      identifier: identifier(ctx, id),
      basedOn: [ref('MedicationRequest', medication.id)],
      groupIdentifier: { value: medication.id },
      status: 'completed',
      intent: 'order',
      medicationReference: ref('Medication', medicationId(ctx, medication)),
      subject: ref('Patient', ctx.patientId),
      authoredOn: at(date, 9, 30),
      recorder: practitionerRef(ctx.patient.gp.usualGp),
      dosageInstruction: [{ text: medication.medicine.dosage }],
      dispenseRequest: dispense(medication, date, addDays(date, medication.medicine.supplyDays)),
    };
  });
}

export function gpcCondition(
  ctx: GpcContext,
  problem: SimProblem,
  related: readonly fhir3.Reference[],
): fhir3.Condition {
  return {
    resourceType: 'Condition',
    id: problem.id,
    meta: { profile: [`${NHS}CareConnect-GPC-ProblemHeader-Condition-1`] },
    extension: [
      {
        url: `${HL7UK}Extension-CareConnect-ProblemSignificance-1`,
        valueCode: problem.significance,
      },
      ...related.map((r) => ({
        url: `${HL7UK}Extension-CareConnect-RelatedClinicalContent-1`,
        valueReference: r,
      })),
    ],
    identifier: identifier(ctx, problem.id),
    clinicalStatus: problem.abatement ? 'inactive' : 'active',
    category: [
      {
        coding: [
          {
            system: 'https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1',
            code: 'problem-list-item',
            display: 'Problem List Item',
          },
        ],
      },
    ],
    code: snomed(problem.concept),
    subject: ref('Patient', ctx.patientId),
    onsetDateTime: at(problem.onset, 0, 0),
    ...(problem.abatement ? { abatementDateTime: at(problem.abatement, 0, 0) } : {}),
    assertedDate: at(problem.onset, 10, 0),
    asserter: practitionerRef(ctx.patient.gp.usualGp),
  };
}

export function gpcEncounter(ctx: GpcContext, consultation: SimConsultation): fhir3.Encounter {
  const end = new Date(Date.parse(consultation.dateTime) + consultation.minutes * 60_000)
    .toISOString()
    .replace('.000Z', '+00:00');
  const gp = ref('Practitioner', consultation.clinicianId);
  return {
    resourceType: 'Encounter',
    id: consultation.id,
    meta: profile('Encounter'),
    identifier: identifier(ctx, consultation.id),
    status: 'finished',
    type: [{ text: consultation.typeText }],
    subject: ref('Patient', ctx.patientId),
    participant: [
      {
        type: [
          {
            coding: [
              {
                system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-ParticipantType-1',
                code: 'PPRF',
                display: 'primary performer',
              },
            ],
          },
        ],
        individual: gp,
      },
      {
        type: [
          {
            coding: [
              {
                system: 'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-ParticipantType-1',
                code: 'REC',
                display: 'recorder',
              },
            ],
          },
        ],
        individual: gp,
      },
    ],
    period: { start: consultation.dateTime, end },
    length: { value: consultation.minutes, unit: 'm', system: UCUM, code: 'min' },
    serviceProvider: ref('Organization', ctx.organisationId),
  };
}

/** The List skeleton every GP Connect List shares. */
export function gpcList(
  ctx: GpcContext,
  concept: Concept,
  title: string,
  date: string,
  extra: Partial<fhir3.List> = {},
): fhir3.List {
  return {
    resourceType: 'List',
    meta: profile('List'),
    status: 'current',
    mode: 'snapshot',
    title,
    code: snomed(concept),
    subject: ref('Patient', ctx.patientId),
    date,
    orderedBy: {
      coding: [
        {
          system: 'http://hl7.org/fhir/list-order',
          code: 'event-date',
          display: 'Sorted by Event Date',
        },
      ],
    },
    ...extra,
  };
}

/** The Lists and Observations of one consultation: consultation → topic → category → entries. */
export function gpcConsultationStructure(
  ctx: GpcContext,
  consultation: SimConsultation,
  problemIncluded: boolean,
): fhir3.Resource[] {
  const encounter = ref('Encounter', consultation.id);
  const headings = ['History', 'Examination', 'Plan'] as const;
  const categoryLists: fhir3.List[] = [];
  const observations: fhir3.Observation[] = [];
  for (const heading of headings) {
    const entries = consultation.entries.filter((e) => e.heading === heading);
    if (entries.length === 0) continue;
    const listId = `${consultation.id}-${heading.toLowerCase()}`;
    for (const entry of entries) {
      observations.push({
        resourceType: 'Observation',
        id: entry.id,
        meta: profile('Observation'),
        identifier: identifier(ctx, entry.id),
        status: 'final',
        code: snomed(entry.concept),
        subject: ref('Patient', ctx.patientId),
        context: encounter,
        effectiveDateTime: consultation.dateTime,
        issued: consultation.dateTime,
        performer: [ref('Practitioner', consultation.clinicianId)],
        ...(entry.comment ? { comment: entry.comment } : {}),
      });
    }
    categoryLists.push({
      ...gpcList(ctx, GPC_LIST_CODES.category, heading, consultation.dateTime, {
        encounter,
        entry: entries.map((e) => ({ item: ref('Observation', e.id) })),
      }),
      id: listId,
      orderedBy: {
        coding: [
          { system: 'http://hl7.org/fhir/list-order', code: 'system', display: 'Sorted by System' },
        ],
      },
    });
  }
  const topic: fhir3.List = {
    ...gpcList(ctx, GPC_LIST_CODES.topic, consultation.topicTitle, consultation.dateTime, {
      encounter,
      entry: categoryLists.map((l) => ({ item: ref('List', l.id ?? '') })),
    }),
    id: `${consultation.id}-topic`,
    ...(consultation.problemId && problemIncluded
      ? {
          extension: [
            {
              url: `${HL7UK}Extension-CareConnect-RelatedProblemHeader-1`,
              extension: [
                { url: 'target', valueReference: ref('Condition', consultation.problemId) },
              ],
            },
          ],
        }
      : {}),
  };
  const top: fhir3.List = {
    ...gpcList(ctx, GPC_LIST_CODES.consultation, consultation.typeText, consultation.dateTime, {
      encounter,
      entry: [{ item: ref('List', topic.id ?? '') }],
    }),
    id: `${consultation.id}-consultation`,
  };
  return [top, topic, ...categoryLists, ...observations];
}

export function gpcImmunization(
  ctx: GpcContext,
  immunisation: SimImmunisation,
): fhir3.Immunization {
  return {
    resourceType: 'Immunization',
    id: immunisation.id,
    meta: profile('Immunization'),
    extension: [
      {
        url: `${HL7UK}Extension-CareConnect-DateRecorded-1`,
        valueDateTime: at(immunisation.date, 10, 0),
      },
      {
        url: `${HL7UK}Extension-CareConnect-VaccinationProcedure-1`,
        valueCodeableConcept: snomed(immunisation.concept),
      },
    ],
    identifier: identifier(ctx, immunisation.id),
    status: 'completed',
    notGiven: false,
    vaccineCode: {
      coding: [{ system: 'http://hl7.org/fhir/v3/NullFlavor', code: 'UNK' }],
      text: immunisation.concept.display,
    },
    patient: ref('Patient', ctx.patientId),
    date: immunisation.date,
    primarySource: true,
    location: ref('Location', ctx.locationId),
    practitioner: [{ actor: practitionerRef(ctx.patient.gp.usualGp) }],
  };
}

function interpretation(
  value: number,
  low: number | undefined,
  high: number | undefined,
): fhir3.CodeableConcept {
  const code =
    high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
  const display = code === 'H' ? 'High' : code === 'L' ? 'Low' : 'Normal';
  return { coding: [{ system: 'http://hl7.org/fhir/v2/0078', code, display }] };
}

/** DiagnosticReport, Specimen, test group, results and filing comment of one investigation. */
export function gpcInvestigation(
  ctx: GpcContext,
  investigation: SimInvestigation,
): fhir3.Resource[] {
  const panel = LAB_PANELS[investigation.panel];
  const subject = ref('Patient', ctx.patientId);
  const specimenId = `${investigation.id}-specimen`;
  const groupId = `${investigation.id}-group`;
  const filingId = `${investigation.id}-filing`;
  const hasGroup = 'group' in panel;
  const results: fhir3.Observation[] = investigation.results.map((result) => {
    const test = LAB_TESTS[result.test];
    const low = 'low' in test ? test.low : undefined;
    const high = 'high' in test ? test.high : undefined;
    return {
      resourceType: 'Observation',
      id: result.id,
      meta: profile('Observation'),
      identifier: identifier(ctx, result.id),
      status: 'final',
      category: [
        {
          coding: [
            {
              system: 'http://hl7.org/fhir/observation-category',
              code: 'laboratory',
              display: 'Laboratory',
            },
          ],
        },
      ],
      code: snomed(test.concept),
      subject,
      effectiveDateTime: investigation.dateTime,
      issued: investigation.dateTime,
      performer: [ref('Organization', ctx.organisationId)],
      valueQuantity: { value: result.value, unit: test.unit, system: UCUM, code: test.ucum },
      interpretation: interpretation(result.value, low, high),
      specimen: ref('Specimen', specimenId),
      referenceRange: [
        {
          ...(low !== undefined ? { low: { value: low, unit: test.unit } } : {}),
          ...(high !== undefined ? { high: { value: high, unit: test.unit } } : {}),
        },
      ],
      ...(hasGroup
        ? { related: [{ type: 'derived-from', target: ref('Observation', groupId) }] }
        : {}),
    };
  });
  const group: fhir3.Observation[] = hasGroup
    ? [
        {
          resourceType: 'Observation',
          id: groupId,
          meta: profile('Observation'),
          identifier: identifier(ctx, groupId),
          status: 'final',
          code: snomed(panel.group),
          subject,
          effectiveDateTime: investigation.dateTime,
          issued: investigation.dateTime,
          specimen: ref('Specimen', specimenId),
          related: results.map((r) => ({
            type: 'has-member',
            target: ref('Observation', r.id ?? ''),
          })),
        },
      ]
    : [];
  const filing: fhir3.Observation = {
    resourceType: 'Observation',
    id: filingId,
    meta: profile('Observation'),
    identifier: identifier(ctx, filingId),
    status: 'unknown',
    code: snomed({ code: '37331000000100', display: 'Comment note' }),
    subject,
    effectiveDateTime: investigation.dateTime,
    issued: investigation.dateTime,
    performer: [practitionerRef(ctx.patient.gp.usualGp)],
    comment: `Result indicator: ${investigation.filingComment}`,
  };
  const report: fhir3.DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: investigation.id,
    meta: profile('DiagnosticReport'),
    identifier: identifier(ctx, investigation.id),
    status: 'final',
    category: {
      coding: [
        {
          system: 'http://hl7.org/fhir/v2/0074',
          code: 'PAT',
          display: 'Pathology (gross & histopath, not surgical)',
        },
      ],
    },
    code: snomed(GPC_LIST_CODES.diagnosticStudiesReport),
    subject,
    issued: investigation.dateTime,
    performer: [{ actor: ref('Organization', ctx.organisationId) }],
    specimen: [ref('Specimen', specimenId)],
    result: [
      ...(hasGroup ? group : results).map((o) => ref('Observation', o.id ?? '')),
      ref('Observation', filingId),
    ],
  };
  const specimen: fhir3.Specimen = {
    resourceType: 'Specimen',
    id: specimenId,
    meta: profile('Specimen'),
    identifier: identifier(ctx, specimenId),
    status: 'available',
    type: snomed(GPC_LIST_CODES.venousBloodSpecimen),
    subject,
    collection: { collectedDateTime: investigation.dateTime },
  };
  return [report, specimen, ...group, ...results, filing];
}

export function gpcUncategorised(ctx: GpcContext, item: SimUncategorised): fhir3.Observation {
  const quantity = (value: number, unit: string, code: string): fhir3.Quantity => ({
    value,
    unit,
    system: UCUM,
    code,
  });
  return {
    resourceType: 'Observation',
    id: item.id,
    meta: profile('Observation'),
    identifier: identifier(ctx, item.id),
    status: 'final',
    code: snomed(item.concept),
    subject: ref('Patient', ctx.patientId),
    effectiveDateTime: item.dateTime,
    issued: item.dateTime,
    performer: [practitionerRef(ctx.patient.gp.usualGp)],
    ...(item.quantity
      ? { valueQuantity: quantity(item.quantity.value, item.quantity.unit, item.quantity.ucum) }
      : {}),
    ...(item.bloodPressure
      ? {
          component: [
            {
              code: snomed({ code: '72313002', display: 'Systolic arterial pressure' }),
              valueQuantity: quantity(item.bloodPressure.systolic, 'mm[Hg]', 'mm[Hg]'),
            },
            {
              code: snomed({ code: '1091811000000102', display: 'Diastolic arterial pressure' }),
              valueQuantity: quantity(item.bloodPressure.diastolic, 'mm[Hg]', 'mm[Hg]'),
            },
          ],
        }
      : {}),
  };
}

export function gpcReferral(ctx: GpcContext, referral: SimReferral): fhir3.ReferralRequest {
  return {
    resourceType: 'ReferralRequest',
    id: referral.id,
    meta: profile('ReferralRequest'),
    identifier: identifier(ctx, referral.id),
    status: 'active',
    intent: 'order',
    priority: referral.priority,
    subject: ref('Patient', ctx.patientId),
    authoredOn: at(referral.date, 11, 0),
    requester: { agent: practitionerRef(ctx.patient.gp.usualGp) },
    reasonCode: [snomed(referral.reason)],
    description: referral.description,
  };
}

export function gpcRecall(ctx: GpcContext, recall: SimRecall): fhir3.ProcedureRequest {
  return {
    resourceType: 'ProcedureRequest',
    id: recall.id,
    meta: profile('ProcedureRequest'),
    identifier: identifier(ctx, recall.id),
    status: 'active',
    intent: 'plan',
    code: snomed(recall.concept),
    subject: ref('Patient', ctx.patientId),
    occurrenceDateTime: recall.date,
    requester: { agent: practitionerRef(ctx.patient.gp.usualGp) },
  };
}
