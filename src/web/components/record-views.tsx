/**
 * @module The record's views, in tab order: each a label, an optional count and a component.
 * Adding a view (a timeline, a reconciliation) is adding one entry to {@link RECORD_VIEWS}.
 */
import type { ReactNode } from 'react';
import type { RecordView, SectionName } from '../../api/record.ts';
import { SECTION_NAMES } from '../../api/record.ts';
import type { ResolveReference } from '../resource-summary.ts';
import { warningCounts } from '../section-warnings.ts';
import { SECTION_LABELS } from '../source-status.ts';
import type { PendingSource } from '../record-stream.ts';
import { RecordSummaryView } from './record-summary-view.tsx';
import { growthCount } from '../growth/growth-measurements.ts';
import { GrowthView } from './growth-view.tsx';
import { SectionItems } from './section-items.tsx';
import { TimelineView } from './timeline-view.tsx';
import { TrendsView } from './trends-view.tsx';

/** What every view is drawn from: the record shown so far and how to move between views. */
export interface RecordViewContext {
  readonly record: RecordView;
  readonly resolve: ResolveReference;
  /** True while some sources have not answered yet. */
  readonly waiting: boolean;
  /** The sources not answered yet (while the record streams in). */
  readonly pending: readonly PendingSource[];
  /** Opens another view by its id (a link from the summary to a section). */
  readonly openView: (id: string) => void;
}

/** One tab of the record. */
export interface RecordViewSpec {
  /** Stable id: the tab's DOM ids and its place in the page's address. */
  readonly id: string;
  readonly label: string;
  /** The number shown on the tab, when the view has one (undefined: none); 0 dims the tab. */
  readonly count?: (record: RecordView) => number | undefined;
  /** True when a source warned about what this view shows. */
  readonly warned?: (record: RecordView) => boolean;
  readonly render: (context: RecordViewContext) => ReactNode;
}

/** The Summary: what a clinician reads first. */
const summaryView: RecordViewSpec = {
  id: 'summary',
  label: 'Summary',
  render: (context) => (
    <RecordSummaryView context={context} waiting={context.waiting ? context.pending.length : 0} />
  ),
};

function sectionView(name: SectionName): RecordViewSpec {
  return {
    id: name,
    label: SECTION_LABELS[name],
    // Lines shown: an entry several sources reported counts once (the source panel counts per
    // source). A section the role may not see has no count: it is not empty, it is not shown.
    count: (record) =>
      record.hiddenSections.includes(name)
        ? undefined
        : record.sections[name].filter((entry) => entry.duplicateOf === undefined).length,
    warned: (record) => (warningCounts(record.sources)[name] ?? 0) > 0,
    render: ({ record, resolve, waiting }) => (
      <SectionItems
        key={name}
        name={name}
        entries={record.sections[name]}
        resolve={resolve}
        sources={record.sources}
        waiting={waiting}
        hidden={record.hiddenSections.includes(name)}
      />
    ),
  };
}

/** Results of the same test over time, across every source (src/web/trends.ts). */
const TRENDS: RecordViewSpec = {
  id: 'trends',
  label: 'Trends',
  render: ({ record }) => <TrendsView items={record.sections.investigations} />,
};

/** Encounters, admissions, results, documents and referrals of every source, newest first (src/web/timeline.ts). */
const TIMELINE: RecordViewSpec = {
  id: 'timeline',
  label: 'Timeline',
  render: ({ record }) => <TimelineView record={record} />,
};

/** A child's growth against the UK-WHO centiles (src/web/growth/); the count dims it for adults. */
const GROWTH: RecordViewSpec = {
  id: 'growth',
  label: 'Growth',
  count: (record) => growthCount(record.sections.investigations, record.patient),
  render: ({ record }) => (
    <GrowthView items={record.sections.investigations} patient={record.patient} />
  ),
};

/** Every view of the record, in tab order; the first is the one a record opens on. */
export const RECORD_VIEWS: readonly RecordViewSpec[] = [
  summaryView,
  ...SECTION_NAMES.map(sectionView),
  TIMELINE,
  TRENDS,
  GROWTH,
];

/** The view with this id, or the first when there is none (an old or mistyped address). */
export function viewById(id: string | undefined): RecordViewSpec {
  const first = RECORD_VIEWS[0];
  if (first === undefined) throw new Error('the record has no views');
  return RECORD_VIEWS.find((view) => view.id === id) ?? first;
}
