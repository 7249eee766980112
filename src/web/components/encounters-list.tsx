/**
 * @module Encounters and consultations by date, newest first; each opens into its details and,
 * for a GP consultation, its topics → categories (History, Examination, Plan…) → entries.
 */
import { memo, useMemo, useState } from 'react';
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import {
  consultationEntryCount,
  consultationTopics,
  type EntryReference,
} from '../consultation-topics.ts';
import { formatDateTime } from '../fhir-display.ts';
import { isFilingComment } from '../investigation-groups.ts';
import { newestFirst, summariseResource, type ResolveReference } from '../resource-summary.ts';
import { ItemDetails, ItemFlags } from './item-parts.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';

/** Encounters drawn at first; "Show more" draws four times as many again. */
export const ENCOUNTER_PAGE_SIZE = 30;

export interface EncountersListProps {
  readonly entries: readonly RecordEntry[];
  readonly resolve: ResolveReference;
}

/** Only the date and status of each are read up front; details are built when opened. */
export function EncountersList({ entries, resolve }: EncountersListProps) {
  const sorted = useMemo(() => newestFirst(entries), [entries]);
  const paging = usePaging(sorted.length, ENCOUNTER_PAGE_SIZE);
  return (
    <>
      <ul className="items encounters">
        {sorted.slice(0, paging.shown).map(({ entry }, index) => (
          <EncounterCard key={index} entry={entry} resolve={resolve} />
        ))}
      </ul>
      <ShowMore paging={paging} total={sorted.length} noun="encounters" />
    </>
  );
}

interface EncounterCardProps {
  readonly entry: RecordEntry;
  readonly resolve: ResolveReference;
}

const EncounterCard = memo(function EncounterCard({ entry, resolve }: EncounterCardProps) {
  const [open, setOpen] = useState(false);
  const summary = useMemo(() => summariseResource(entry.resource, resolve), [entry, resolve]);
  const topics = useMemo(() => consultationTopics(entry.resource), [entry]);
  const count = consultationEntryCount(topics);
  const clinician = summary.details.find((detail) => detail.label === 'Clinician')?.value;
  const id = `encounter-${entry.source.sourceId}-${entry.resource.id ?? ''}`;
  const { source } = entry;
  return (
    <li className="item encounter">
      <div className="item__head">
        <p className="item__title">
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={id}
            onClick={() => {
              setOpen((value) => !value);
            }}
          >
            <span className="disclosure__date">{summary.date || 'Date not recorded'}</span>
            <span className="disclosure__title">{summary.title}</span>
          </button>
        </p>
        <p className="item__date">
          {topics.length > 0
            ? `${topics.length} topic${topics.length === 1 ? '' : 's'}, ${count} entr${count === 1 ? 'y' : 'ies'}`
            : summary.kind}
        </p>
      </div>
      <p className="encounter__who">
        {[clinician, source.system].filter((part) => part !== undefined && part !== '').join(' · ')}
      </p>
      <ItemFlags flags={summary.flags} />
      {open && (
        <div id={id} className="encounter__body">
          <ItemDetails details={summary.details} />
          {topics.map((topic, index) => (
            <section key={index} className="topic" aria-label={`Topic: ${topic.title}`}>
              <h4 className="topic__title">
                {topic.title}
                {topic.problem?.display !== undefined && topic.problem.display !== topic.title && (
                  <span className="topic__problem"> (problem: {topic.problem.display})</span>
                )}
              </h4>
              {topic.categories.map((category, categoryIndex) => (
                <div key={categoryIndex} className="topic__category">
                  <h5 className="topic__category-title">{category.title}</h5>
                  <EntryList
                    entries={category.entries}
                    sourceId={source.sourceId}
                    resolve={resolve}
                  />
                </div>
              ))}
              {topic.entries.length > 0 && (
                <EntryList entries={topic.entries} sourceId={source.sourceId} resolve={resolve} />
              )}
            </section>
          ))}
          <p className="item__source">
            <span className="visually-hidden">Source: </span>
            {summary.kind} from <span className="item__source-name">{source.system}</span>,{' '}
            {source.organisation}. Retrieved {formatDateTime(source.retrievedAt)}
          </p>
        </div>
      )}
    </li>
  );
});

interface EntryListProps {
  readonly entries: readonly EntryReference[];
  readonly sourceId: string;
  readonly resolve: ResolveReference;
}

function EntryList({ entries, sourceId, resolve }: EntryListProps) {
  if (entries.length === 0) return <p className="hint">Nothing recorded under this heading.</p>;
  return (
    <ul className="topic__entries">
      {entries.map((reference, index) => (
        <ConsultationEntry
          key={index}
          reference={reference}
          sourceId={sourceId}
          resolve={resolve}
        />
      ))}
    </ul>
  );
}

function ConsultationEntry({
  reference,
  sourceId,
  resolve,
}: {
  readonly reference: EntryReference;
  readonly sourceId: string;
  readonly resolve: ResolveReference;
}) {
  const target =
    reference.reference === undefined ? undefined : resolve(reference.reference, sourceId);
  if (target === undefined) {
    return (
      <li className="topic__entry">
        {reference.display ?? 'An item the practice did not send'}
        <span className="hint"> (not included in what the practice shared)</span>
      </li>
    );
  }
  const summary = summariseResource(target, resolve);
  if (isFilingComment(target)) {
    // A free-text note: the words are the entry; "Comment note" says nothing.
    const words = summary.details.find((d) => d.label === 'Notes')?.value;
    if (words !== undefined) return <li className="topic__entry">{words}</li>;
  }
  const detail = summary.details.find((d) => d.label === 'Notes' || d.label === 'Dose');
  return (
    <li className="topic__entry">
      <span className="topic__entry-kind">{summary.kind}: </span>
      <strong>{summary.title}</strong>
      {summary.value !== undefined && <span className="item__value">{summary.value}</span>}
      {detail !== undefined && <span className="topic__entry-detail"> — {detail.value}</span>}
      {summary.flags
        .filter((flag) => flag.tone === 'alert')
        .map((flag, index) => (
          <span key={index} className="tag tag--alert">
            {flag.text}
          </span>
        ))}
    </li>
  );
}
