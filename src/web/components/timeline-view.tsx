/**
 * @module Timeline: encounters, admissions, procedures, results, documents and referrals from every
 * source in one list, newest first (src/web/timeline.ts), narrowed by source and by type with two
 * labelled selects; long timelines are drawn a page at a time.
 */
import { useMemo, useState } from 'react';
import type { RecordView } from '../../api/record.ts';
import {
  TIMELINE_TYPE_LABELS,
  TIMELINE_TYPES,
  buildTimeline,
  filterTimeline,
  timelineChoices,
  timelineTitle,
  type TimelineType,
} from '../timeline.ts';
import { SelectField } from './form-fields.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';

export interface TimelineViewProps {
  readonly record: Pick<RecordView, 'sections' | 'sources'>;
}

const PAGE = 100;

function isType(value: string): value is TimelineType {
  return (TIMELINE_TYPES as readonly string[]).includes(value);
}

export function TimelineView({ record }: TimelineViewProps) {
  const lines = useMemo(() => buildTimeline(record), [record]);
  const choices = useMemo(() => timelineChoices(lines, record.sources), [lines, record.sources]);
  const [source, setSource] = useState('all');
  const [type, setType] = useState<TimelineType | 'all'>('all');
  const shown = useMemo(() => filterTimeline(lines, { source, type }), [lines, source, type]);
  const paging = usePaging(shown.length, PAGE);
  return (
    <section aria-labelledby="heading-timeline">
      <h2 id="heading-timeline">Timeline</h2>
      {lines.length === 0 ? (
        <p className="empty">
          No encounters, admissions, results, documents or referrals were returned.
        </p>
      ) : (
        <>
          <p className="hint">
            Encounters, admissions, results, documents and referrals from every source, newest
            first.
          </p>
          <div className="timeline__filters">
            <SelectField id="timeline-source" label="Source" value={source} onChange={setSource}>
              <option value="all">All sources</option>
              {choices.sources.map((one) => (
                <option key={one.id} value={one.id}>
                  {one.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="timeline-type"
              label="Type"
              value={type}
              onChange={(value) => {
                setType(isType(value) ? value : 'all');
              }}
            >
              <option value="all">All types</option>
              {choices.types.map((one) => (
                <option key={one} value={one}>
                  {TIMELINE_TYPE_LABELS[one]}
                </option>
              ))}
            </SelectField>
          </div>
          <p className="visually-hidden" role="status">
            {shown.length} of {lines.length} entries shown.
          </p>
          {shown.length === 0 ? (
            <p className="empty">Nothing of this type from this source.</p>
          ) : (
            <ol className="timeline" aria-label="Timeline entries, newest first">
              {shown.slice(0, paging.shown).map((line) => (
                <li
                  key={line.key}
                  className="timeline__line"
                  data-source={line.sourceIds.join(' ')}
                >
                  <span className="timeline__date">{line.dateText || 'Undated'}</span>
                  <span className="timeline__type">{TIMELINE_TYPE_LABELS[line.type]}</span>
                  <span className="timeline__title">{timelineTitle(line)}</span>
                  <span className="timeline__source">from {line.sources}</span>
                </li>
              ))}
            </ol>
          )}
          <ShowMore paging={paging} total={shown.length} noun="entries" />
        </>
      )}
    </section>
  );
}
