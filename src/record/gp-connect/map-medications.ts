/**
 * @module STU3 → R4 for GP medication: a MedicationStatement (the authorisation summary) carrying,
 * as contained resources, its Medication, its authorisation (MedicationRequest, intent `plan`) and its
 * issues (MedicationRequest, intent `order`), so one medication is one item and its linkage holds.
 */
import type { BundleIndex } from '../../sources/gp-connect/bundle-index.ts';
import { copy, obj, objs, str, type Stu3Resource } from '../../sources/gp-connect/json-access.ts';
import { nonEmpty } from './map-clinical.ts';
import {
  cc,
  choice,
  compact,
  conceptText,
  gpcExtensions,
  identifiers,
  ISSUE_COUNT_EXTENSION_URL,
  notes,
  r4Meta,
  r4Reference,
  r4Timing,
  type MapContext,
} from './r4-common.ts';

/** Contained ids are `<Type>-<original id>`: a Medication and a MedicationRequest may share an id. */
export function containedId(resource: Stu3Resource): string {
  return `${resource.resourceType}-${str(resource, 'id') ?? ''}`;
}

/** Issues (intent `order`) by the authorisation (`MedicationRequest/<id>`) they are based on. */
export function indexIssues(index: BundleIndex): Map<Stu3Resource, Stu3Resource[]> {
  const issues = new Map<Stu3Resource, Stu3Resource[]>();
  for (const request of index.resources) {
    if (request.resourceType !== 'MedicationRequest' || str(request, 'intent') !== 'order')
      continue;
    for (const basedOn of objs(request, 'basedOn')) {
      const plan = index.resolve(basedOn);
      if (plan?.resourceType === 'MedicationRequest')
        issues.set(plan, [...(issues.get(plan) ?? []), request]);
    }
  }
  return issues;
}

export interface MappedMedication {
  readonly resource: fhir4.MedicationStatement | fhir4.MedicationRequest;
  /** The STU3 resources carried inside it (so they are not shown again on their own). */
  readonly consumed: readonly Stu3Resource[];
}

/**
 * A MedicationStatement with its authorisation, issues and medicine. Keeps the last issue date,
 * prescribing agency and the number of issues as extensions; the prescriber is the authorisation's requester.
 */
export function mapMedicationStatement(
  ctx: MapContext,
  statement: Stu3Resource,
  issuesByPlan: ReadonlyMap<Stu3Resource, readonly Stu3Resource[]>,
): MappedMedication {
  const medication = ctx.index.resolve(obj(statement, 'medicationReference'));
  const plans = objs(statement, 'basedOn')
    .map((reference) => ctx.index.resolve(reference))
    .filter((plan): plan is Stu3Resource => plan?.resourceType === 'MedicationRequest');
  const issues = plans.flatMap((plan) => issuesByPlan.get(plan) ?? []);
  const medicationDisplay =
    medication === undefined ? undefined : conceptText(obj(medication, 'code'));
  const medicationReference =
    medication === undefined
      ? undefined
      : { reference: `#${containedId(medication)}`, display: medicationDisplay };

  const contained: fhir4.FhirResource[] = [
    ...(medication === undefined ? [] : [mapMedication(medication)]),
    ...plans.map((plan) => mapRequest(ctx, plan, medicationReference, undefined)),
    ...issues.map((issue) => mapRequest(ctx, issue, medicationReference, plans)),
  ];
  const extension = [
    ...gpcExtensions(ctx, statement),
    { url: ISSUE_COUNT_EXTENSION_URL, valueUnsignedInt: issues.length },
  ];
  const resource = compact<fhir4.MedicationStatement>({
    resourceType: 'MedicationStatement',
    id: str(statement, 'id'),
    meta: r4Meta(ctx, statement),
    contained,
    extension,
    identifier: identifiers(statement),
    basedOn: nonEmpty(plans.map((plan) => ({ reference: `#${containedId(plan)}` }))),
    status: statementStatus(str(statement, 'status')),
    statusReason: copy<fhir4.CodeableConcept[]>(statement, 'reasonNotTaken'),
    category: cc(statement, 'category'),
    medicationReference:
      medicationReference === undefined ? undefined : compact(medicationReference),
    medicationCodeableConcept:
      medication === undefined ? cc(statement, 'medicationCodeableConcept') : undefined,
    subject: r4Reference(ctx, obj(statement, 'subject')) ?? ctx.patientReference ?? {},
    context: r4Reference(ctx, obj(statement, 'context')),
    ...choice(statement, 'effective', ['DateTime', 'Period']),
    dateAsserted: str(statement, 'dateAsserted'),
    informationSource: r4Reference(ctx, obj(statement, 'informationSource')),
    derivedFrom: nonEmpty(issues.map((issue) => ({ reference: `#${containedId(issue)}` }))),
    reasonCode: copy<fhir4.CodeableConcept[]>(statement, 'reasonCode'),
    note: notes(statement),
    dosage: nonEmpty(objs(statement, 'dosage').map(mapDosage)),
  });
  return {
    resource,
    consumed: [...(medication === undefined ? [] : [medication]), ...plans, ...issues],
  };
}

/** A prescription with no MedicationStatement (not expected, but never hidden): an R4 MedicationRequest. */
export function mapLoneMedicationRequest(ctx: MapContext, request: Stu3Resource): MappedMedication {
  const medication = ctx.index.resolve(obj(request, 'medicationReference'));
  const medicationReference =
    medication === undefined
      ? undefined
      : { reference: `#${containedId(medication)}`, display: conceptText(obj(medication, 'code')) };
  const mapped = mapRequest(ctx, request, medicationReference, undefined);
  return {
    resource: {
      ...mapped,
      id: str(request, 'id'),
      meta: r4Meta(ctx, request),
      ...(medication === undefined ? {} : { contained: [mapMedication(medication)] }),
    },
    consumed: medication === undefined ? [] : [medication],
  };
}

function mapMedication(medication: Stu3Resource): fhir4.Medication {
  return compact({
    resourceType: 'Medication',
    id: containedId(medication),
    code: cc(medication, 'code'),
    form: cc(medication, 'form'),
  });
}

function mapRequest(
  ctx: MapContext,
  request: Stu3Resource,
  medicationReference: fhir4.Reference | undefined,
  plans: readonly Stu3Resource[] | undefined,
): fhir4.MedicationRequest {
  const dispense = obj(request, 'dispenseRequest');
  const requester = r4Reference(ctx, obj(obj(request, 'requester'), 'agent'));
  const recorder = r4Reference(ctx, obj(request, 'recorder'));
  const extension = gpcExtensions(ctx, request);
  return compact({
    resourceType: 'MedicationRequest',
    id: containedId(request),
    extension: extension.length === 0 ? undefined : extension,
    identifier: identifiers(request),
    status: str(request, 'status') ?? 'unknown',
    intent: str(request, 'intent') ?? 'order',
    basedOn:
      plans === undefined
        ? undefined
        : nonEmpty(plans.map((plan) => ({ reference: `#${containedId(plan)}` }))),
    groupIdentifier: copy<fhir4.Identifier>(request, 'groupIdentifier'),
    medicationReference:
      medicationReference === undefined ? undefined : compact(medicationReference),
    medicationCodeableConcept:
      medicationReference === undefined
        ? (cc(request, 'medicationCodeableConcept') ?? {})
        : undefined,
    subject: r4Reference(ctx, obj(request, 'subject')) ?? ctx.patientReference ?? {},
    encounter: r4Reference(ctx, obj(request, 'context')),
    authoredOn: str(request, 'authoredOn'),
    // GP Connect fills `recorder` where STU3's requester is absent: either names the prescriber.
    requester: requester ?? recorder,
    recorder,
    note: notes(request),
    dosageInstruction: nonEmpty(objs(request, 'dosageInstruction').map(mapDosage)),
    dispenseRequest:
      dispense === undefined
        ? undefined
        : compact({
            validityPeriod: copy<fhir4.Period>(dispense, 'validityPeriod'),
            numberOfRepeatsAllowed: copy<number>(dispense, 'numberOfRepeatsAllowed'),
            quantity: copy<fhir4.Quantity>(dispense, 'quantity'),
            expectedSupplyDuration: copy<fhir4.Duration>(dispense, 'expectedSupplyDuration'),
            performer: r4Reference(ctx, obj(dispense, 'performer')),
          }),
  } as fhir4.MedicationRequest);
}

/** STU3 Dosage → R4: `dose[x]` and `rate[x]` move into `doseAndRate`; the rest agrees. */
function mapDosage(dosage: Readonly<Record<string, unknown>>): fhir4.Dosage {
  const doseAndRate = compact({
    ...choice(dosage, 'dose', ['Range', 'Quantity']),
    ...choice(dosage, 'rate', ['Ratio', 'Range', 'Quantity']),
  });
  return compact({
    sequence: copy<number>(dosage, 'sequence'),
    text: str(dosage, 'text'),
    additionalInstruction: copy<fhir4.CodeableConcept[]>(dosage, 'additionalInstruction'),
    patientInstruction: str(dosage, 'patientInstruction'),
    timing: r4Timing(dosage['timing']),
    ...choice(dosage, 'asNeeded', ['Boolean', 'CodeableConcept']),
    site: cc(dosage, 'site'),
    route: cc(dosage, 'route'),
    method: cc(dosage, 'method'),
    doseAndRate: Object.keys(doseAndRate).length === 0 ? undefined : [doseAndRate],
    maxDosePerPeriod: copy<fhir4.Ratio>(dosage, 'maxDosePerPeriod'),
    maxDosePerAdministration: copy<fhir4.Quantity>(dosage, 'maxDosePerAdministration'),
    maxDosePerLifetime: copy<fhir4.Quantity>(dosage, 'maxDosePerLifetime'),
  });
}

const STATEMENT_STATUSES: readonly fhir4.MedicationStatement['status'][] = [
  'active',
  'completed',
  'entered-in-error',
  'intended',
  'stopped',
  'on-hold',
];

function statementStatus(status: string | undefined): fhir4.MedicationStatement['status'] {
  return STATEMENT_STATUSES.find((known) => known === status) ?? 'unknown';
}
