/**
 * @module Renders a patient's GP Connect Access Record: Structured response at one practice:
 * the Bundle with the primary Lists for the requested areas, confidential items withheld and flagged,
 * or the Spine error the real provider would give.
 */
import { GPC_LIST_CODES, SNOMED_SYSTEM } from './data/clinical-codes.ts';
import type { Concept } from './data/clinical-codes.ts';
import { POPULATION_TODAY, at } from './dates.ts';
import {
  gpcAllergy,
  gpcCondition,
  gpcConsultationStructure,
  gpcEncounter,
  gpcImmunization,
  gpcInvestigation,
  gpcList,
  gpcLocation,
  gpcMedication,
  gpcMedicationIssues,
  gpcMedicationPlan,
  gpcMedicationStatement,
  gpcOrganisation,
  gpcPatient,
  gpcPractitioner,
  gpcPractitionerRole,
  gpcRecall,
  gpcReferral,
  gpcUncategorised,
  supplierStyleOf,
} from './gpc-resources.ts';
import type { GpcContext } from './gpc-resources.ts';
import type { SimPatient } from './patient-model.ts';
import type { GpcRecordOutcome, GpcRecordRequest } from './population.ts';
import { regionPractice } from './practices.ts';
import { stableId } from './random.ts';

const LIST_WARNING_URL =
  'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1';
const CLINICAL_SETTING_URL =
  'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ClinicalSetting-1';
/** The note GP Connect requires on a List from which confidential items were withheld. */
export const CONFIDENTIAL_NOTE =
  'Items excluded due to confidentiality and/or patient preferences.';
const EMPTY_NOTE = 'Information not available';

/** Collects resources once each, in insertion order. */
class EntrySet {
  readonly #byKey = new Map<string, fhir3.Resource>();
  add(...resources: fhir3.Resource[]): void {
    for (const r of resources) {
      // Primary Lists carry no id (as at real suppliers): never merge them.
      const key =
        r.id === undefined ? `${r.resourceType}#${this.#byKey.size}` : `${r.resourceType}/${r.id}`;
      if (!this.#byKey.has(key)) this.#byKey.set(key, r);
    }
  }
  values(): fhir3.Resource[] {
    return [...this.#byKey.values()];
  }
}

function primaryList(
  ctx: GpcContext,
  concept: Concept,
  title: string,
  items: readonly fhir3.Reference[],
  withheld: boolean,
  extra: Partial<fhir3.List> = {},
): fhir3.List {
  const extension: fhir3.Extension[] = [
    {
      url: CLINICAL_SETTING_URL,
      valueCodeableConcept: {
        coding: [{ system: SNOMED_SYSTEM, ...GPC_LIST_CODES.generalPracticeService }],
      },
    },
    ...(withheld ? [{ url: LIST_WARNING_URL, valueCode: 'confidential-items' }] : []),
  ];
  const notes = [
    ...(withheld ? [CONFIDENTIAL_NOTE] : []),
    ...(items.length === 0 ? [EMPTY_NOTE] : []),
  ];
  return gpcList(ctx, concept, title, at(POPULATION_TODAY, 9, 0), {
    extension,
    ...(notes.length > 0 ? { note: notes.map((text) => ({ text })) } : {}),
    ...(items.length > 0
      ? { entry: items.map((item) => ({ item })) }
      : {
          emptyReason: {
            coding: [
              {
                system: 'https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1',
                code: 'no-content-recorded',
                display: 'No Content Recorded',
              },
            ],
          },
        }),
    ...extra,
  });
}

const ref = (type: string, id: string): fhir3.Reference => ({ reference: `${type}/${id}` });

/** The structured record, or the Spine error the practice would answer with. */
export function renderGpConnectRecord(
  seed: number,
  patient: SimPatient,
  request: GpcRecordRequest,
): GpcRecordOutcome {
  const gp = patient.gp;
  if (
    gp.practiceOds !== request.ods ||
    patient.restricted ||
    patient.deceasedDateTime !== undefined
  ) {
    return { outcome: 'error', spineCode: 'PATIENT_NOT_FOUND' };
  }
  if (gp.dissented) return { outcome: 'error', spineCode: 'NO_PATIENT_CONSENT' };
  const found = regionPractice(request.ods);
  if (!found) return { outcome: 'error', spineCode: 'PATIENT_NOT_FOUND' };
  const { practice, index: practiceIndex } = found;
  const ctx: GpcContext = {
    patient,
    practice,
    style: supplierStyleOf(practice, practiceIndex),
    patientId: stableId(seed, patient.nhsNumber, 'gpc:patient'),
    organisationId: stableId(seed, practice.ods, 'gpc:organisation'),
    locationId: stableId(seed, practice.ods, 'gpc:location'),
    id: (label) => stableId(seed, patient.nhsNumber, `gpc:${label}`),
  };
  const entries = new EntrySet();
  entries.add(
    gpcPatient(ctx),
    gpcOrganisation(ctx),
    gpcLocation(ctx),
    gpcPractitioner(gp.usualGp),
    gpcPractitionerRole(ctx, gp.usualGp),
  );
  const wants = (
    area: GpcRecordRequest['areas'] extends ReadonlySet<infer A> ? A : never,
  ): boolean => request.areas.has(area);
  const visible = <T extends { readonly confidential?: boolean }>(
    items: readonly T[],
  ): { shown: T[]; withheld: boolean } => {
    const shown = items.filter((i) => i.confidential !== true);
    return { shown, withheld: shown.length < items.length };
  };
  const meds = visible(gp.medications);
  const consultations = visible(gp.consultations);
  const problems = visible(gp.problems);

  if (wants('includeAllergies')) {
    const active = visible(gp.allergies.filter((a) => a.ended === undefined));
    const allergies = active.shown.map((a) => gpcAllergy(ctx, a));
    entries.add(...allergies);
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.allergies,
        'Allergies and adverse reactions',
        allergies.map((a) => ref('AllergyIntolerance', a.id ?? '')),
        active.withheld,
      ),
    );
    if (request.includeResolvedAllergies) {
      const ended = visible(gp.allergies.filter((a) => a.ended !== undefined));
      const contained = ended.shown.map((a) => gpcAllergy(ctx, a));
      entries.add(
        primaryList(
          ctx,
          GPC_LIST_CODES.endedAllergies,
          'Ended allergies',
          contained.map((a) => ({ reference: `#${a.id ?? ''}` })),
          ended.withheld,
          contained.length > 0 ? { contained } : {},
        ),
      );
    }
  }
  if (wants('includeMedication')) {
    for (const m of meds.shown) {
      entries.add(gpcMedicationStatement(ctx, m), gpcMedicationPlan(ctx, m), gpcMedication(ctx, m));
      if (request.includePrescriptionIssues) entries.add(...gpcMedicationIssues(ctx, m));
    }
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.medications,
        'Medications and medical devices',
        meds.shown.map((m) => ref('MedicationStatement', `${m.id}-MS`)),
        meds.withheld,
      ),
    );
  }
  const problemsIncluded = wants('includeProblems');
  if (problemsIncluded) {
    for (const p of problems.shown) {
      const related = [
        ...(wants('includeMedication')
          ? meds.shown
              .filter((m) => m.problemId === p.id)
              .map((m) => ref('MedicationStatement', `${m.id}-MS`))
          : []),
        ...(wants('includeConsultations')
          ? consultations.shown
              .filter((c) => c.problemId === p.id)
              .slice(0, 5)
              .map((c) => ref('Encounter', c.id))
          : []),
      ];
      entries.add(gpcCondition(ctx, p, related));
    }
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.problems,
        'Problems',
        problems.shown.map((p) => ref('Condition', p.id)),
        problems.withheld,
      ),
    );
  }
  if (wants('includeConsultations')) {
    const shownProblemIds = new Set(problems.shown.map((p) => p.id));
    for (const c of consultations.shown) {
      entries.add(
        gpcEncounter(ctx, c),
        ...gpcConsultationStructure(
          ctx,
          c,
          problemsIncluded && c.problemId !== undefined && shownProblemIds.has(c.problemId),
        ),
      );
    }
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.consultations,
        'List of consultations',
        consultations.shown.map((c) => ref('Encounter', c.id)),
        consultations.withheld,
      ),
    );
  }
  if (wants('includeImmunisations')) {
    const immunisations = gp.immunisations.map((i) => gpcImmunization(ctx, i));
    entries.add(...immunisations);
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.immunisations,
        'Immunisations',
        immunisations.map((i) => ref('Immunization', i.id ?? '')),
        false,
      ),
    );
  }
  if (wants('includeInvestigations')) {
    const investigations = visible(gp.investigations);
    for (const inv of investigations.shown) entries.add(...gpcInvestigation(ctx, inv));
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.investigations,
        'Investigations and results',
        investigations.shown.map((i) => ref('DiagnosticReport', i.id)),
        investigations.withheld,
      ),
    );
  }
  if (wants('includeReferrals')) {
    const referrals = gp.referrals.map((r) => gpcReferral(ctx, r));
    entries.add(...referrals);
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.referrals,
        'Outbound referral',
        referrals.map((r) => ref('ReferralRequest', r.id ?? '')),
        false,
      ),
    );
  }
  if (wants('includeUncategorisedData')) {
    const observations = gp.uncategorised.map((u) => gpcUncategorised(ctx, u));
    entries.add(...observations);
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.uncategorised,
        'Uncategorised data',
        observations.map((o) => ref('Observation', o.id ?? '')),
        false,
      ),
    );
  }
  if (wants('includeDiaryEntries')) {
    const recalls = gp.recalls.map((r) => gpcRecall(ctx, r));
    entries.add(...recalls);
    entries.add(
      primaryList(
        ctx,
        GPC_LIST_CODES.diary,
        'Diary entries',
        recalls.map((r) => ref('ProcedureRequest', r.id ?? '')),
        false,
      ),
    );
  }
  const bundle: fhir3.Bundle = {
    resourceType: 'Bundle',
    id: request.traceId,
    meta: {
      profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1'],
    },
    type: 'collection',
    entry: entries.values().map((resource) => ({ resource })),
  };
  return { outcome: 'record', bundle };
}
