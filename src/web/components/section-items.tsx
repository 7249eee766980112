/**
 * @module One section as a clinician expects it: the area's warnings first, then current items
 * apart from past ones (ended allergies in their own list), results as tables, consultations
 * by date, social care alerts first — a page at a time.
 */
import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { RecordItem as RecordEntry, SourceSummary } from '../../api/record.ts';
import { newestFirst, type ResolveReference, type Triage } from '../resource-summary.ts';
import { countItems, describeFound, filterEntries } from '../section-filter.ts';
import { warningsForSection } from '../section-warnings.ts';
import type { SectionName } from '../../api/record.ts';
import { describeSourceStatus, SECTION_LABELS } from '../source-status.ts';
import { DocumentsList } from './documents-list.tsx';
import { EncountersList } from './encounters-list.tsx';
import { InvestigationsList } from './investigations-list.tsx';
import { ItemList, PAGE_SIZE } from './item-list.tsx';
import { ReconciliationTable } from './reconciliation-table.tsx';
import { WarningList } from './warning-list.tsx';

export { PAGE_SIZE };

/** Sections where a clinician expects current entries kept apart from resolved or ended ones. */
const SPLIT_SECTIONS: ReadonlySet<SectionName> = new Set(['medications', 'allergies', 'problems']);

/** Sub-headings; none is exactly a section's name (tests and screen readers find sections by it). */
const CURRENT_HEADINGS: Partial<Record<SectionName, string>> = {
  medications: 'Current medications',
  allergies: 'Active allergies',
  problems: 'Active problems',
};

const PAST_HEADINGS: Partial<Record<SectionName, string>> = {
  medications: 'Past medications (stopped or completed)',
  allergies: 'Ended allergies',
  problems: 'Past problems',
};

export interface SectionItemsProps {
  readonly name: SectionName;
  readonly entries: readonly RecordEntry[];
  readonly resolve: ResolveReference;
  readonly sources: readonly SourceSummary[];
  /** True while some sources have not answered yet (the record is still arriving). */
  readonly waiting?: boolean;
  /** True when the user's role may not see this section (the server's `hiddenSections`). */
  readonly hidden?: boolean;
}

interface Triaged extends Triage {
  readonly entry: RecordEntry;
}

/**
 * The open section. Every item is triaged (date and status only) to order and split the
 * list; only drawn items are summarised, so thousands of items do not freeze the page.
 */
export function SectionItems({
  name,
  entries,
  resolve,
  sources,
  waiting,
  hidden,
}: SectionItemsProps) {
  const warnings = useMemo(() => warningsForSection(sources, name), [sources, name]);
  const failed = useMemo(() => failedSources(sources), [sources]);
  const label = SECTION_LABELS[name];
  if (hidden === true) {
    return (
      <section aria-labelledby={`heading-${name}`}>
        <h2 id={`heading-${name}`}>{label}</h2>
        <p className="empty">
          {label}: not available to your role. Your organisation&rsquo;s access policy does not show
          this section to your role; it says nothing about what the systems hold.
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby={`heading-${name}`}>
      <h2 id={`heading-${name}`}>{label}</h2>
      <WarningList warnings={warnings} heading={`About ${label.toLowerCase()}`} />
      {entries.length === 0 && (
        <p className="empty">
          {waiting === true
            ? `No ${label.toLowerCase()} yet: some systems have not answered.`
            : `No ${label.toLowerCase()} were returned by the systems that answered.`}
        </p>
      )}
      {entries.length === 0 && waiting !== true && failed.length > 0 && (
        <p className="inset inset--warning">
          {failed.join(', ')} did not answer: {label.toLowerCase()} they hold are not shown.
        </p>
      )}
      {name === 'medications' && <ReconciliationTable entries={entries} />}
      {entries.length > 0 && <FoundItems name={name} entries={entries} resolve={resolve} />}
    </section>
  );
}

/**
 * "Find in {section}": narrows the section to the items whose shown words contain what is
 * typed, with a live count. The list follows the typing a moment behind (a deferred value), so
 * typing never waits for thousands of items to be matched and drawn.
 */
function FoundItems({
  name,
  entries,
  resolve,
}: Pick<SectionItemsProps, 'name' | 'entries' | 'resolve'>) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const fieldId = useId();
  const found = useMemo(
    () => filterEntries(entries, deferred, resolve),
    [entries, deferred, resolve],
  );
  const total = useMemo(() => countItems(entries), [entries]);
  const shown = useMemo(() => countItems(found), [found]);
  const label = SECTION_LABELS[name];
  return (
    <>
      <div className="section-find">
        <label htmlFor={fieldId}>Find in {label.toLowerCase()}</label>
        <input
          id={fieldId}
          className="section-find__input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
          }}
        />
        <p className="section-find__count" role="status">
          {describeFound(shown, total)}
        </p>
      </div>
      {found.length === 0 ? (
        <p className="empty">
          No {label.toLowerCase()} contain &ldquo;{deferred.trim()}&rdquo;.
        </p>
      ) : (
        // A new search starts again at the first page.
        <SectionBody key={deferred} name={name} entries={found} resolve={resolve} />
      )}
    </>
  );
}

/** The names of the sources asked that did not answer (unavailable, timed out, refused…). */
function failedSources(sources: readonly SourceSummary[]): string[] {
  return sources
    .filter((source) => describeSourceStatus(source.status).tone === 'alert')
    .map((source) => source.name);
}

function SectionBody({
  name,
  entries,
  resolve,
}: Pick<SectionItemsProps, 'name' | 'entries' | 'resolve'>) {
  if (name === 'investigations') return <InvestigationsList entries={entries} resolve={resolve} />;
  if (name === 'encounters') return <EncountersList entries={entries} resolve={resolve} />;
  if (name === 'documents') return <DocumentsList entries={entries} resolve={resolve} />;
  return <TriagedItems name={name} entries={entries} resolve={resolve} />;
}

function TriagedItems({
  name,
  entries,
  resolve,
}: Pick<SectionItemsProps, 'name' | 'entries' | 'resolve'>) {
  const groups = useMemo(() => {
    // A duplicate of another source's entry is shown within that entry's line, not again.
    const all: Triaged[] = newestFirst(entries.filter((entry) => entry.duplicateOf === undefined));
    if (name === 'socialCare') {
      // Alerts (safeguarding) first, whatever their date.
      const isFlag = (t: Triaged) => t.entry.resource.resourceType === 'Flag';
      return { current: [...all.filter(isFlag), ...all.filter((t) => !isFlag(t))], past: [] };
    }
    if (!SPLIT_SECTIONS.has(name)) return { current: all, past: [] };
    return { current: all.filter((t) => !t.inactive), past: all.filter((t) => t.inactive) };
  }, [entries, name]);
  const split = SPLIT_SECTIONS.has(name);
  return (
    <>
      {split && groups.current.length > 0 && <h3>{CURRENT_HEADINGS[name]}</h3>}
      {split && groups.current.length === 0 && (
        <p className="empty">None current in what the systems sent.</p>
      )}
      {groups.current.length > 0 && <ItemList items={groups.current} resolve={resolve} />}
      {groups.past.length > 0 && (
        <div className="past">
          <h3>{PAST_HEADINGS[name] ?? 'Inactive'}</h3>
          <ItemList items={groups.past} resolve={resolve} />
        </div>
      )}
    </>
  );
}
