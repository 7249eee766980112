/**
 * @module A GP consultation's structure — topic → category (History, Examination, Plan, …) →
 * entries — read back from the extensions the GP Connect mapping puts on its Encounter, for display.
 */
import { isJsonObject } from '../shared/json-guards.ts';

/** The extension the GP Connect mapping writes (src/record/gp-connect/consultation-structure.ts). */
export const CONSULTATION_TOPIC_URL =
  'https://mycarerecord.nhs.uk/fhir/StructureDefinition/gpc-consultation-topic';

/** A reference to an item recorded in the consultation. */
export interface EntryReference {
  readonly reference?: string;
  readonly display?: string;
}

export interface TopicCategory {
  readonly title: string;
  readonly entries: readonly EntryReference[];
}

export interface ConsultationTopicView {
  readonly title: string;
  /** The problem this topic was recorded against, in words, when there is one. */
  readonly problem?: EntryReference;
  readonly categories: readonly TopicCategory[];
  /** Items recorded directly under the topic (systems with no category level). */
  readonly entries: readonly EntryReference[];
}

type Json = Record<string, unknown>;

function parts(extension: unknown): Json[] {
  return isJsonObject(extension) && Array.isArray(extension['extension'])
    ? extension['extension'].filter(isJsonObject)
    : [];
}

function reference(value: unknown): EntryReference | undefined {
  if (!isJsonObject(value)) return undefined;
  const ref = typeof value['reference'] === 'string' ? value['reference'] : undefined;
  const display = typeof value['display'] === 'string' ? value['display'] : undefined;
  if (ref === undefined && display === undefined) return undefined;
  return {
    ...(ref === undefined ? {} : { reference: ref }),
    ...(display === undefined ? {} : { display }),
  };
}

function entriesIn(list: readonly Json[]): EntryReference[] {
  return list
    .filter((part) => part['url'] === 'entry')
    .map((part) => reference(part['valueReference']))
    .filter((found): found is EntryReference => found !== undefined);
}

function titleIn(list: readonly Json[]): string | undefined {
  const title = list.find((part) => part['url'] === 'title')?.['valueString'];
  return typeof title === 'string' && title.trim() !== '' ? title.trim() : undefined;
}

/** The consultation's topics; [] for an encounter from any other system. Never throws. */
export function consultationTopics(encounter: unknown): ConsultationTopicView[] {
  if (!isJsonObject(encounter) || !Array.isArray(encounter['extension'])) return [];
  return encounter['extension']
    .filter((extension) => isJsonObject(extension) && extension['url'] === CONSULTATION_TOPIC_URL)
    .map((extension, index) => {
      const topic = parts(extension);
      const problem = reference(
        topic.find((part) => part['url'] === 'problem')?.['valueReference'],
      );
      return {
        title: titleIn(topic) ?? problem?.display ?? `Topic ${index + 1}`,
        ...(problem === undefined ? {} : { problem }),
        categories: topic
          .filter((part) => part['url'] === 'category')
          .map((category) => {
            const inner = parts(category);
            return { title: titleIn(inner) ?? 'Entries', entries: entriesIn(inner) };
          }),
        entries: entriesIn(topic),
      };
    });
}

/** How many items the consultation recorded, across its topics and categories. */
export function consultationEntryCount(topics: readonly ConsultationTopicView[]): number {
  return topics.reduce(
    (sum, topic) =>
      sum +
      topic.entries.length +
      topic.categories.reduce((inner, category) => inner + category.entries.length, 0),
    0,
  );
}
