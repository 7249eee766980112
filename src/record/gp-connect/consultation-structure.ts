/**
 * @module A GP consultation as an R4 Encounter that keeps its GP Connect structure — topics (each maybe
 * tied to a problem), categories (History, Examination, Plan, …) and the items recorded under each — as
 * nested extensions, plus a reader that turns them back into a plain structure for the UI.
 */
import type { Stu3Resource } from '../../sources/gp-connect/json-access.ts';
import { obj, objs, str } from '../../sources/gp-connect/json-access.ts';
import { extensionNamed, subExtension } from '../../sources/gp-connect/gpc-extensions.ts';
import {
  CATEGORY_LIST_CODE,
  TOPIC_LIST_CODE,
} from '../../sources/gp-connect/read-structured-record.ts';
import {
  absent,
  cc,
  compact,
  codesOfField,
  identifiers,
  r4Meta,
  r4Reference,
  r4References,
  type MapContext,
} from './r4-common.ts';
import { nonEmpty } from './map-clinical.ts';

export const CONSULTATION_TOPIC_URL =
  'https://mycarerecord.nhs.uk/fhir/StructureDefinition/gpc-consultation-topic';

/** One topic of a consultation, as the UI renders it. */
export interface ConsultationTopic {
  readonly title?: string | undefined;
  /** The problem this topic was recorded against, if any. */
  readonly problem?: fhir4.Reference | undefined;
  readonly categories: readonly ConsultationCategory[];
  /** Items recorded directly under the topic (when the practice's system has no category level). */
  readonly entries: readonly fhir4.Reference[];
}

export interface ConsultationCategory {
  readonly title?: string | undefined;
  readonly entries: readonly fhir4.Reference[];
}

/** The consultation: an R4 Encounter with its topics carried as `CONSULTATION_TOPIC_URL` extensions. */
export function mapConsultation(
  ctx: MapContext,
  encounter: Stu3Resource,
  consultationList: Stu3Resource | undefined,
): fhir4.Encounter {
  const topics = consultationList === undefined ? [] : readTopics(ctx, consultationList);
  const title = str(consultationList, 'title');
  const types = objs(encounter, 'type');
  const stu3Class = obj(encounter, 'class');
  return compact({
    resourceType: 'Encounter',
    id: str(encounter, 'id'),
    meta: r4Meta(ctx, encounter),
    extension: nonEmpty(topics.map(topicExtension)),
    identifier: identifiers(encounter),
    status: str(encounter, 'status') ?? 'unknown',
    class: stu3Class === undefined ? absent() : (stu3Class as fhir4.Coding),
    type:
      types.length > 0
        ? (types as unknown as fhir4.CodeableConcept[])
        : title === undefined
          ? undefined
          : [{ text: title }],
    priority: cc(encounter, 'priority'),
    subject: r4Reference(ctx, obj(encounter, 'subject')) ?? ctx.patientReference,
    participant: nonEmpty(
      objs(encounter, 'participant').map((participant) =>
        compact({
          type: objs(participant, 'type'),
          period: obj(participant, 'period'),
          individual: r4Reference(ctx, obj(participant, 'individual')),
        }),
      ),
    ),
    period: obj(encounter, 'period'),
    length: obj(encounter, 'length'),
    reasonCode: nonEmpty(objs(encounter, 'reason') as unknown as fhir4.CodeableConcept[]),
    location: nonEmpty(
      objs(encounter, 'location')
        .map((location) => r4Reference(ctx, obj(location, 'location')))
        .filter((location) => location !== undefined)
        .map((location) => ({ location })),
    ),
    serviceProvider: r4Reference(ctx, obj(encounter, 'serviceProvider')),
  } as fhir4.Encounter);
}

function readTopics(ctx: MapContext, consultationList: Stu3Resource): ConsultationTopic[] {
  const topics: ConsultationTopic[] = [];
  for (const entry of objs(consultationList, 'entry')) {
    const topic = ctx.index.resolve(obj(entry, 'item'), consultationList);
    if (topic?.resourceType !== 'List' || !codesOfField(topic, 'code').includes(TOPIC_LIST_CODE))
      continue;
    const problem = obj(
      subExtension(extensionNamed(topic, 'relatedproblemheader'), 'target'),
      'valueReference',
    );
    const categories: ConsultationCategory[] = [];
    const direct: unknown[] = [];
    for (const topicEntry of objs(topic, 'entry')) {
      const item = obj(topicEntry, 'item');
      const target = ctx.index.resolve(item, topic);
      if (
        target?.resourceType === 'List' &&
        codesOfField(target, 'code').includes(CATEGORY_LIST_CODE)
      ) {
        categories.push({
          title: str(target, 'title'),
          entries: r4References(
            ctx,
            objs(target, 'entry').map((categoryEntry) => obj(categoryEntry, 'item')),
            target,
          ),
        });
      } else {
        direct.push(item);
      }
    }
    topics.push({
      title: str(topic, 'title'),
      problem: r4Reference(ctx, problem),
      categories,
      entries: r4References(ctx, direct, topic),
    });
  }
  return topics;
}

function topicExtension(topic: ConsultationTopic): fhir4.Extension {
  const parts: fhir4.Extension[] = [];
  if (topic.title !== undefined) parts.push({ url: 'title', valueString: topic.title });
  if (topic.problem !== undefined) parts.push({ url: 'problem', valueReference: topic.problem });
  for (const category of topic.categories) {
    parts.push({
      url: 'category',
      extension: [
        ...(category.title === undefined ? [] : [{ url: 'title', valueString: category.title }]),
        ...category.entries.map((entry) => ({ url: 'entry', valueReference: entry })),
      ],
    });
  }
  for (const entry of topic.entries) parts.push({ url: 'entry', valueReference: entry });
  return { url: CONSULTATION_TOPIC_URL, extension: parts };
}

/** The consultation's topics, read back from a mapped Encounter (for rendering). */
export function readConsultationTopics(encounter: fhir4.Encounter): ConsultationTopic[] {
  return (encounter.extension ?? [])
    .filter((extension) => extension.url === CONSULTATION_TOPIC_URL)
    .map((extension) => {
      const parts = extension.extension ?? [];
      return {
        title: parts.find((part) => part.url === 'title')?.valueString,
        problem: parts.find((part) => part.url === 'problem')?.valueReference,
        categories: parts
          .filter((part) => part.url === 'category')
          .map((category) => ({
            title: category.extension?.find((part) => part.url === 'title')?.valueString,
            entries: referencesIn(category.extension ?? []),
          })),
        entries: referencesIn(parts),
      };
    });
}

function referencesIn(parts: readonly fhir4.Extension[]): fhir4.Reference[] {
  return parts
    .filter((part) => part.url === 'entry')
    .map((part) => part.valueReference)
    .filter((reference): reference is fhir4.Reference => reference !== undefined);
}
