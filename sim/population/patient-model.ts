/**
 * @module The in-memory model of one synthetic patient, from which every renderer (PDS, GP Connect,
 * hospital, community, social care) draws. Dates are ISO strings; ids are stable per (seed, NHS number).
 */
import type { Concept } from './data/clinical-codes.ts';
import type { Medicine } from './data/medicines.ts';
import type { LabPanelKey, LabTestKey } from './data/lab-tests.ts';

export type Gender = 'male' | 'female';

export interface PersonName {
  readonly prefix: string;
  readonly given: readonly string[];
  readonly family: string;
}

export interface SimAddress {
  readonly line: readonly string[];
  readonly city: string;
  readonly district: string;
  readonly postalCode: string;
}

export interface Clinician {
  readonly id: string;
  readonly sdsId: string;
  readonly name: PersonName;
}

export interface SimAllergy {
  readonly id: string;
  readonly concept: Concept;
  readonly category: 'medication' | 'food' | 'environment';
  readonly reaction: Concept;
  readonly severity: 'mild' | 'moderate' | 'severe';
  readonly recorded: string;
  readonly ended?: { readonly date: string; readonly reason: string };
  readonly confidential?: boolean;
}

export interface SimMedication {
  readonly id: string;
  readonly medicine: Medicine;
  readonly type: 'repeat' | 'acute';
  readonly start: string;
  readonly end?: string;
  readonly status: 'active' | 'completed' | 'stopped';
  readonly issues: readonly string[];
  readonly repeatsAllowed?: number;
  readonly problemId?: string;
  readonly confidential?: boolean;
}

export interface SimProblem {
  readonly id: string;
  readonly concept: Concept;
  readonly onset: string;
  readonly abatement?: string;
  readonly significance: 'major' | 'minor';
  readonly confidential?: boolean;
}

export interface SimConsultationEntry {
  readonly id: string;
  readonly heading: 'History' | 'Examination' | 'Plan';
  readonly concept: Concept;
  readonly comment?: string;
}

export interface SimConsultation {
  readonly id: string;
  readonly dateTime: string;
  readonly minutes: number;
  readonly typeText: string;
  readonly topicTitle: string;
  readonly problemId?: string;
  readonly clinicianId: string;
  readonly entries: readonly SimConsultationEntry[];
  readonly confidential?: boolean;
}

export interface SimImmunisation {
  readonly id: string;
  readonly concept: Concept;
  readonly date: string;
}

export interface SimResult {
  readonly id: string;
  readonly test: LabTestKey;
  readonly value: number;
}

export interface SimInvestigation {
  readonly id: string;
  readonly dateTime: string;
  readonly panel: LabPanelKey;
  readonly results: readonly SimResult[];
  readonly filingComment: string;
  readonly confidential?: boolean;
}

export interface SimUncategorised {
  readonly id: string;
  readonly dateTime: string;
  readonly concept: Concept;
  readonly quantity?: { readonly value: number; readonly unit: string; readonly ucum: string };
  readonly bloodPressure?: { readonly systolic: number; readonly diastolic: number };
}

export interface SimReferral {
  readonly id: string;
  readonly date: string;
  readonly reason: Concept;
  readonly priority: 'routine' | 'urgent';
  readonly description: string;
}

export interface SimRecall {
  readonly id: string;
  readonly date: string;
  readonly concept: Concept;
}

export interface SimGpRecord {
  readonly practiceOds: string;
  readonly registeredSince: string;
  readonly usualGp: Clinician;
  readonly dissented: boolean;
  readonly allergies: readonly SimAllergy[];
  readonly medications: readonly SimMedication[];
  readonly problems: readonly SimProblem[];
  readonly consultations: readonly SimConsultation[];
  readonly immunisations: readonly SimImmunisation[];
  readonly investigations: readonly SimInvestigation[];
  readonly uncategorised: readonly SimUncategorised[];
  readonly referrals: readonly SimReferral[];
  readonly recalls: readonly SimRecall[];
}

export interface SimDischargeMedicine {
  readonly id: string;
  readonly medicine: Medicine;
  readonly note: string;
}

export interface SimAdmission {
  readonly id: string;
  readonly start: string;
  readonly end: string;
  readonly emergency: boolean;
  readonly ward: string;
  readonly diagnosis: Concept;
  readonly diagnosisId: string;
  readonly procedure?: { readonly id: string; readonly concept: Concept };
  readonly dischargeMedicines: readonly SimDischargeMedicine[];
  readonly summaryId: string;
  readonly summaryText: string;
  readonly vitals: readonly SimUncategorised[];
  readonly labs?: SimInvestigation;
}

export interface SimOutpatient {
  readonly id: string;
  readonly dateTime: string;
  readonly clinic: string;
  readonly reason?: Concept;
  readonly reasonId?: string;
}

export interface SimHospitalRecord {
  readonly localId: string;
  /** The date of birth the hospital holds (may disagree with PDS). */
  readonly birthDate: string;
  readonly admissions: readonly SimAdmission[];
  readonly outpatients: readonly SimOutpatient[];
  readonly followUps: readonly {
    readonly id: string;
    readonly date: string;
    readonly concept: Concept;
  }[];
  /** Legally restricted items (fertility, gender identity, sexual health). */
  readonly restricted: readonly {
    readonly id: string;
    readonly kind: 'condition' | 'procedure' | 'encounter';
    readonly dateTime: string;
    readonly concept: Concept;
    readonly clinic: string;
  }[];
}

export interface SimCommunityRecord {
  readonly localId: string;
  readonly team: 'health-visiting' | 'district-nursing' | 'community-mental-health';
  readonly visits: readonly {
    readonly id: string;
    readonly dateTime: string;
    readonly note: string;
    readonly clinician: string;
  }[];
  readonly growth: readonly SimUncategorised[];
  readonly immunisations: readonly SimImmunisation[];
  readonly carePlans: readonly {
    readonly id: string;
    readonly created: string;
    readonly concept: Concept;
    readonly title: string;
    readonly description: string;
    readonly endOfLife: boolean;
  }[];
}

export interface SimSocialCareRecord {
  readonly localId: string;
  readonly episodeId: string;
  readonly start: string;
  readonly socialWorker: PersonName;
  readonly carePackage: {
    readonly id: string;
    readonly description: string;
    readonly start: string;
  };
  readonly safeguarding?: { readonly id: string; readonly start: string; readonly text: string };
  readonly careTeamId: string;
}

export interface SimPatient {
  readonly index: number;
  readonly nhsNumber: string;
  readonly personaKey?: string;
  readonly name: PersonName;
  readonly gender: Gender;
  readonly birthDate: string;
  readonly deceasedDateTime?: string;
  /** Sensitive (restricted) at PDS: no address, telecom or GP shown. */
  readonly restricted: boolean;
  readonly address: SimAddress;
  readonly phone: string;
  readonly gp: SimGpRecord;
  readonly hospital?: SimHospitalRecord;
  readonly community?: SimCommunityRecord;
  readonly socialCare?: SimSocialCareRecord;
}
