/**
 * @module STU3 → R4 for single GP Connect items: allergies, problems, observations, reports,
 * immunisations, referrals and diary entries (as ServiceRequest), documents (metadata only), the patient.
 */
import {
  bool,
  copy,
  num,
  obj,
  objs,
  str,
  type Stu3Resource,
} from '../../sources/gp-connect/json-access.ts';
import {
  carriedElements,
  cc,
  choice,
  compact,
  concept,
  gpcExtensions,
  identifiers,
  notes,
  put,
  putChoice,
  r4Meta,
  r4Reference,
  r4References,
  r4Quantity,
  type MapContext,
} from './r4-common.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ALLERGY_VERIFICATION =
  'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

/**
 * An allergy. An ended (resolved) allergy keeps its clinical status `resolved` (or `inactive`) and is
 * tagged `ended-allergy`, so it can never be read as a current one.
 */
export function mapAllergy(
  ctx: MapContext,
  item: Stu3Resource,
  ended: boolean,
  container?: Stu3Resource,
): fhir4.AllergyIntolerance {
  const stu3Status = str(item, 'clinicalStatus');
  const status = ended
    ? stu3Status === 'inactive'
      ? 'inactive'
      : 'resolved'
    : (stu3Status ?? 'active');
  const verification = str(item, 'verificationStatus');
  return compact({
    resourceType: 'AllergyIntolerance',
    ...carriedElements(ctx, item, { tags: ended ? ['ended-allergy'] : [], container }),
    clinicalStatus: concept(ALLERGY_CLINICAL, status),
    verificationStatus:
      verification === undefined ||
      !['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'].includes(verification)
        ? undefined
        : concept(ALLERGY_VERIFICATION, verification),
    type: copy<'allergy' | 'intolerance'>(item, 'type'),
    category: copy<fhir4.AllergyIntolerance['category']>(item, 'category'),
    criticality: copy<'low' | 'high' | 'unable-to-assess'>(item, 'criticality'),
    code: cc(item, 'code'),
    patient: r4Reference(ctx, obj(item, 'patient'), container) ?? ctx.patientReference ?? {},
    ...choice(item, 'onset', ['DateTime', 'Age', 'Period', 'Range', 'String']),
    recordedDate: str(item, 'assertedDate'),
    recorder: r4Reference(ctx, obj(item, 'recorder'), container),
    asserter: r4Reference(ctx, obj(item, 'asserter'), container),
    lastOccurrence: str(item, 'lastOccurrence'),
    note: notes(item),
    reaction: copy<fhir4.AllergyIntoleranceReaction[]>(item, 'reaction'),
  });
}

/** A problem: status active/inactive, significance (major/minor) and its linked items as extensions. */
export function mapProblem(ctx: MapContext, item: Stu3Resource): fhir4.Condition {
  const clinical = str(item, 'clinicalStatus');
  const verification = str(item, 'verificationStatus');
  const categories = (copy<fhir4.CodeableConcept[]>(item, 'category') ?? []).filter(isJsonObject);
  return compact({
    resourceType: 'Condition',
    ...carriedElements(ctx, item),
    clinicalStatus: clinical === undefined ? undefined : concept(CONDITION_CLINICAL, clinical),
    verificationStatus:
      verification === undefined || verification === 'unknown'
        ? undefined
        : concept(CONDITION_VERIFICATION, verification),
    category: [...categories, concept(CONDITION_CATEGORY, 'problem-list-item')],
    severity: cc(item, 'severity'),
    code: cc(item, 'code'),
    bodySite: copy<fhir4.CodeableConcept[]>(item, 'bodySite'),
    subject: r4Reference(ctx, obj(item, 'subject')) ?? ctx.patientReference ?? {},
    encounter: r4Reference(ctx, obj(item, 'context')),
    ...choice(item, 'onset', ['DateTime', 'Age', 'Period', 'Range', 'String']),
    ...choice(item, 'abatement', ['DateTime', 'Age', 'Period', 'Range', 'String']),
    recordedDate: str(item, 'assertedDate'),
    asserter: r4Reference(ctx, obj(item, 'asserter')),
    note: notes(item),
  });
}

const OBSERVATION_VALUES = [
  'Quantity',
  'CodeableConcept',
  'String',
  'Boolean',
  'Range',
  'Ratio',
  'SampledData',
  'Time',
  'DateTime',
  'Period',
];

/** An observation: uncategorised data (blood pressure with its components), test results, group headers, filing comments. */
export function mapObservation(
  ctx: MapContext,
  item: Stu3Resource,
  tags: readonly string[],
): fhir4.Observation {
  const related = objs(item, 'related');
  const hasMember = related
    .filter((link) => str(link, 'type') === 'has-member')
    .map((link) => obj(link, 'target'));
  const derivedFrom = related
    .filter((link) => str(link, 'type') !== 'has-member')
    .map((link) => obj(link, 'target'));
  const comment = str(item, 'comment');
  const interpretation = cc(item, 'interpretation');
  // Built field by field (undefined ones left out, as `compact` would): the commonest item of a
  // large record, made without a literal to copy again.
  const out: Record<string, unknown> = { resourceType: 'Observation' };
  put(out, 'id', str(item, 'id'));
  put(out, 'meta', r4Meta(ctx, item, tags));
  put(out, 'identifier', identifiers(item));
  put(out, 'basedOn', nonEmpty(r4References(ctx, objs(item, 'basedOn'))));
  put(out, 'status', str(item, 'status') ?? 'unknown');
  put(out, 'category', copy<fhir4.CodeableConcept[]>(item, 'category'));
  put(out, 'code', cc(item, 'code'));
  put(out, 'subject', r4Reference(ctx, obj(item, 'subject')) ?? ctx.patientReference);
  put(out, 'encounter', r4Reference(ctx, obj(item, 'context')));
  putChoice(out, item, 'effective', ['DateTime', 'Period']);
  put(out, 'issued', str(item, 'issued'));
  put(out, 'performer', nonEmpty(r4References(ctx, objs(item, 'performer'))));
  putChoice(out, item, 'value', OBSERVATION_VALUES);
  put(out, 'dataAbsentReason', cc(item, 'dataAbsentReason'));
  put(out, 'interpretation', interpretation === undefined ? undefined : [interpretation]);
  put(out, 'note', comment === undefined ? undefined : [{ text: comment }]);
  put(out, 'bodySite', cc(item, 'bodySite'));
  put(out, 'method', cc(item, 'method'));
  put(out, 'specimen', r4Reference(ctx, obj(item, 'specimen')));
  put(out, 'referenceRange', copy<fhir4.ObservationReferenceRange[]>(item, 'referenceRange'));
  put(out, 'hasMember', nonEmpty(r4References(ctx, hasMember)));
  put(out, 'derivedFrom', nonEmpty(r4References(ctx, derivedFrom)));
  put(
    out,
    'component',
    nonEmpty(
      objs(item, 'component').map((component) => {
        const componentInterpretation = cc(component, 'interpretation');
        const mapped: Record<string, unknown> = { code: cc(component, 'code') ?? {} };
        putChoice(mapped, component, 'value', OBSERVATION_VALUES);
        put(mapped, 'dataAbsentReason', cc(component, 'dataAbsentReason'));
        put(
          mapped,
          'interpretation',
          componentInterpretation === undefined ? undefined : [componentInterpretation],
        );
        put(
          mapped,
          'referenceRange',
          copy<fhir4.ObservationReferenceRange[]>(component, 'referenceRange'),
        );
        return mapped;
      }),
    ),
  );
  return out as unknown as fhir4.Observation;
}

/** A test report: its results stay references to the Observations mapped beside it. */
export function mapDiagnosticReport(ctx: MapContext, item: Stu3Resource): fhir4.DiagnosticReport {
  // STU3 allows one category; some suppliers (TPP) send a list anyway, as R4 does.
  const category = objs(item, 'category') as unknown as fhir4.CodeableConcept[];
  return compact({
    resourceType: 'DiagnosticReport',
    id: str(item, 'id'),
    meta: r4Meta(ctx, item),
    identifier: identifiers(item),
    basedOn: nonEmpty(r4References(ctx, objs(item, 'basedOn'))),
    status: str(item, 'status') ?? 'unknown',
    category:
      category.length > 0 ? category : nonEmpty([cc(item, 'category')].filter(isJsonObject)),
    code: cc(item, 'code'),
    subject: r4Reference(ctx, obj(item, 'subject')) ?? ctx.patientReference,
    encounter: r4Reference(ctx, obj(item, 'context')),
    ...choice(item, 'effective', ['DateTime', 'Period']),
    issued: str(item, 'issued'),
    performer: nonEmpty(
      r4References(
        ctx,
        objs(item, 'performer').map((performer) => obj(performer, 'actor')),
      ),
    ),
    specimen: nonEmpty(r4References(ctx, objs(item, 'specimen'))),
    result: nonEmpty(r4References(ctx, objs(item, 'result'))),
    conclusion: str(item, 'conclusion'),
    conclusionCode: copy<fhir4.CodeableConcept[]>(item, 'codedDiagnosis'),
  } as fhir4.DiagnosticReport);
}

/** An immunisation (a "not given" one becomes status `not-done`). */
export function mapImmunization(ctx: MapContext, item: Stu3Resource): fhir4.Immunization {
  const explanation = obj(item, 'explanation');
  const notGiven = bool(item, 'notGiven') === true;
  const date = str(item, 'date');
  return compact({
    resourceType: 'Immunization',
    ...carriedElements(ctx, item),
    status: notGiven
      ? 'not-done'
      : str(item, 'status') === 'entered-in-error'
        ? 'entered-in-error'
        : 'completed',
    statusReason: copy<fhir4.CodeableConcept[]>(explanation, 'reasonNotGiven')?.[0],
    vaccineCode: cc(item, 'vaccineCode') ?? {},
    patient: r4Reference(ctx, obj(item, 'patient')) ?? ctx.patientReference ?? {},
    encounter: r4Reference(ctx, obj(item, 'encounter')),
    ...(date === undefined
      ? { _occurrenceDateTime: { extension: absent() } }
      : { occurrenceDateTime: date }),
    primarySource: bool(item, 'primarySource'),
    reportOrigin: cc(item, 'reportOrigin'),
    location: r4Reference(ctx, obj(item, 'location')),
    manufacturer: r4Reference(ctx, obj(item, 'manufacturer')),
    lotNumber: str(item, 'lotNumber'),
    expirationDate: str(item, 'expirationDate'),
    site: cc(item, 'site'),
    route: cc(item, 'route'),
    doseQuantity: r4Quantity(item['doseQuantity']),
    performer: nonEmpty(
      objs(item, 'practitioner')
        .map((practitioner) => {
          const actor = r4Reference(ctx, obj(practitioner, 'actor'));
          return actor === undefined
            ? undefined
            : compact({ function: cc(practitioner, 'role'), actor });
        })
        .filter((performer) => performer !== undefined),
    ),
    note: notes(item),
    reasonCode: copy<fhir4.CodeableConcept[]>(explanation, 'reason'),
    protocolApplied: nonEmpty(
      objs(item, 'vaccinationProtocol').map((protocol) => {
        const dose = num(protocol, 'doseSequence');
        return compact({
          series: str(protocol, 'series'),
          authority: r4Reference(ctx, obj(protocol, 'authority')),
          targetDisease: copy<fhir4.CodeableConcept[]>(protocol, 'targetDisease'),
          ...(dose === undefined
            ? { doseNumberString: 'unknown' }
            : { doseNumberPositiveInt: dose }),
        });
      }),
    ),
  });
}

function absent(): fhir4.Extension[] {
  return [
    { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
  ];
}

const REQUEST_STATUS: Readonly<Record<string, fhir4.ServiceRequest['status']>> = {
  draft: 'draft',
  active: 'active',
  suspended: 'on-hold',
  cancelled: 'revoked',
  completed: 'completed',
  'entered-in-error': 'entered-in-error',
  unknown: 'unknown',
};

const REQUEST_INTENT = new Set([
  'proposal',
  'plan',
  'directive',
  'order',
  'original-order',
  'reflex-order',
  'filler-order',
  'instance-order',
  'option',
]);

/**
 * A referral (STU3 ReferralRequest) or a diary entry / test request (STU3 ProcedureRequest), both
 * R4 ServiceRequest. `kind` is tagged so the two can be told apart.
 */
export function mapServiceRequest(
  ctx: MapContext,
  item: Stu3Resource,
  kind: 'referral' | 'diary-entry' | 'test-request',
): fhir4.ServiceRequest {
  const intent = str(item, 'intent');
  const serviceRequested = copy<fhir4.CodeableConcept[]>(item, 'serviceRequested');
  const description = str(item, 'description');
  return compact({
    resourceType: 'ServiceRequest',
    ...carriedElements(ctx, item, { tags: [kind] }),
    basedOn: nonEmpty(r4References(ctx, objs(item, 'basedOn'))),
    replaces: nonEmpty(r4References(ctx, objs(item, 'replaces'))),
    requisition: copy<fhir4.Identifier>(item, 'groupIdentifier'),
    status: REQUEST_STATUS[str(item, 'status') ?? 'unknown'] ?? 'unknown',
    intent:
      intent !== undefined && REQUEST_INTENT.has(intent)
        ? intent
        : kind === 'diary-entry'
          ? 'plan'
          : 'order',
    category:
      kind === 'referral'
        ? [concept('http://snomed.info/sct', '3457005')]
        : copy<fhir4.CodeableConcept[]>(item, 'category'),
    priority: copy<fhir4.ServiceRequest['priority']>(item, 'priority'),
    code: cc(item, 'code') ?? serviceRequested?.[0] ?? cc(item, 'type'),
    orderDetail:
      serviceRequested !== undefined && serviceRequested.length > 1
        ? serviceRequested.slice(1)
        : undefined,
    subject: r4Reference(ctx, obj(item, 'subject')) ?? ctx.patientReference ?? {},
    encounter: r4Reference(ctx, obj(item, 'context')),
    ...choice(item, 'occurrence', ['DateTime', 'Period', 'Timing']),
    authoredOn: str(item, 'authoredOn'),
    requester: r4Reference(ctx, obj(obj(item, 'requester'), 'agent')),
    performerType: cc(item, 'specialty') ?? cc(item, 'performerType'),
    performer: nonEmpty(
      r4References(ctx, [...objs(item, 'recipient'), ...objs(item, 'performer')]),
    ),
    reasonCode: copy<fhir4.CodeableConcept[]>(item, 'reasonCode'),
    reasonReference: nonEmpty(r4References(ctx, objs(item, 'reasonReference'))),
    supportingInfo: nonEmpty(r4References(ctx, objs(item, 'supportingInfo'))),
    bodySite: copy<fhir4.CodeableConcept[]>(item, 'bodySite'),
    note: [...(notes(item) ?? []), ...(description === undefined ? [] : [{ text: description }])],
  } as fhir4.ServiceRequest);
}

/** Document metadata only: the attachment's address and content are never carried (no binary is fetched). */
export function mapDocumentReference(ctx: MapContext, item: Stu3Resource): fhir4.DocumentReference {
  const context = obj(item, 'context');
  const type = cc(item, 'class');
  const encounter = r4Reference(ctx, obj(context, 'encounter'));
  return compact({
    resourceType: 'DocumentReference',
    id: str(item, 'id'),
    meta: r4Meta(ctx, item),
    identifier: identifiers(item),
    status: str(item, 'status') ?? 'current',
    docStatus: copy<fhir4.DocumentReference['docStatus']>(item, 'docStatus'),
    type: cc(item, 'type'),
    category: type === undefined ? undefined : [type],
    subject: r4Reference(ctx, obj(item, 'subject')) ?? ctx.patientReference,
    date: str(item, 'indexed') ?? str(item, 'created'),
    author: nonEmpty(r4References(ctx, objs(item, 'author'))),
    authenticator: r4Reference(ctx, obj(item, 'authenticator')),
    custodian: r4Reference(ctx, obj(item, 'custodian')),
    description: str(item, 'description'),
    securityLabel: copy<fhir4.CodeableConcept[]>(item, 'securityLabel'),
    content: objs(item, 'content').map((content) => {
      const attachment = obj(content, 'attachment');
      return compact({
        attachment: compact({
          contentType: str(attachment, 'contentType'),
          language: str(attachment, 'language'),
          size: num(attachment, 'size'),
          title: str(attachment, 'title'),
          creation: str(attachment, 'creation') ?? str(item, 'created'),
        }),
        format: copy<fhir4.Coding>(content, 'format'),
      });
    }),
    context:
      context === undefined
        ? undefined
        : compact({
            encounter: encounter === undefined ? undefined : [encounter],
            event: copy<fhir4.CodeableConcept[]>(context, 'event'),
            period: copy<fhir4.Period>(context, 'period'),
            facilityType: cc(context, 'facilityType'),
            practiceSetting: cc(context, 'practiceSetting'),
            related: nonEmpty(
              r4References(
                ctx,
                objs(context, 'related').map((related) => obj(related, 'ref')),
              ),
            ),
          }),
  } as fhir4.DocumentReference);
}

/** The patient as the practice holds them (used to check demographics against the national trace). */
export function mapPatient(ctx: MapContext, item: Stu3Resource): fhir4.Patient {
  return compact({
    resourceType: 'Patient',
    id: str(item, 'id'),
    meta: r4Meta(ctx, item),
    identifier: objs(item, 'identifier').map((identifier) => {
      const extension = gpcExtensions(ctx, identifier);
      return compact({
        ...(identifier as fhir4.Identifier),
        extension: extension.length === 0 ? undefined : extension,
      });
    }),
    active: bool(item, 'active'),
    name: copy<fhir4.HumanName[]>(item, 'name'),
    telecom: copy<fhir4.ContactPoint[]>(item, 'telecom'),
    gender: copy<fhir4.Patient['gender']>(item, 'gender'),
    birthDate: str(item, 'birthDate'),
    ...choice(item, 'deceased', ['Boolean', 'DateTime']),
    address: copy<fhir4.Address[]>(item, 'address'),
    generalPractitioner: nonEmpty(r4References(ctx, objs(item, 'generalPractitioner'))),
    managingOrganization: r4Reference(ctx, obj(item, 'managingOrganization')),
  });
}

/** Undefined for an empty list, so mapped resources carry no empty arrays. */
export function nonEmpty<T>(list: readonly T[] | undefined): T[] | undefined {
  // The list itself, not a copy: mapped items are never changed (see r4-terminology).
  return list === undefined || list.length === 0 ? undefined : (list as T[]);
}
