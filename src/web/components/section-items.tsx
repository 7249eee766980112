/** @module One section's items: newest first, current apart from past, a page at a time. */
import { useMemo, useState } from 'react';
import type { RecordEntry } from '../api-types.ts';
import {
  compareNewestFirst,
  triageResource,
  type ResolveReference,
  type Triage,
} from '../resource-summary.ts';
import type { SectionName } from '../../record/sections.ts';
import { SECTION_LABELS } from '../source-status.ts';
import { RecordItemCard } from './record-item-card.tsx';

/** How many items are drawn at first; each "Show more" draws up to four times as many again. */
export const PAGE_SIZE = 50;

/** Sections where a clinician expects current entries kept apart from resolved or ended ones. */
const SPLIT_SECTIONS: ReadonlySet<SectionName> = new Set(['medications', 'allergies', 'problems']);

/** Worded so no heading repeats a section's name (tests and screen readers find sections by it). */
const PAST_HEADINGS: Partial<Record<SectionName, string>> = {
  medications: 'Stopped or completed',
  allergies: 'Resolved or inactive',
  problems: 'Resolved or inactive',
};

export interface SectionItemsProps {
  readonly name: SectionName;
  readonly entries: readonly RecordEntry[];
  readonly resolve: ResolveReference;
}

interface Triaged extends Triage {
  readonly entry: RecordEntry;
}

/**
 * The open section. Every item is triaged (date and status only) to order and split the
 * list; only drawn items are summarised, so thousands of items do not freeze the page.
 */
export function SectionItems({ name, entries, resolve }: SectionItemsProps) {
  const groups = useMemo(() => {
    const all: Triaged[] = entries.map((entry) => ({ entry, ...triageResource(entry.resource) }));
    all.sort(compareNewestFirst);
    if (!SPLIT_SECTIONS.has(name)) return { current: all, past: [] };
    return { current: all.filter((t) => !t.inactive), past: all.filter((t) => t.inactive) };
  }, [entries, name]);

  const label = SECTION_LABELS[name];
  return (
    <section aria-labelledby={`heading-${name}`}>
      <h2 id={`heading-${name}`}>{label}</h2>
      {entries.length === 0 && (
        <p className="empty">
          No {label.toLowerCase()} were returned by the systems that answered.
        </p>
      )}
      {groups.current.length > 0 && <ItemList items={groups.current} resolve={resolve} />}
      {groups.past.length > 0 && (
        <>
          <h3>{PAST_HEADINGS[name] ?? 'Inactive'}</h3>
          <ItemList items={groups.past} resolve={resolve} />
        </>
      )}
    </section>
  );
}

interface ItemListProps {
  readonly items: readonly Triaged[];
  readonly resolve: ResolveReference;
}

function ItemList({ items, resolve }: ItemListProps) {
  const [shown, setShown] = useState(PAGE_SIZE);
  const visible = items.slice(0, shown);
  const remaining = items.length - visible.length;
  const next = Math.min(remaining, PAGE_SIZE * 4);
  return (
    <>
      <ul className="items">
        {visible.map(({ entry }, index) => (
          <RecordItemCard key={index} entry={entry} resolve={resolve} />
        ))}
      </ul>
      {remaining > 0 && (
        <p className="show-more">
          <span className="show-more__count">
            Showing {visible.length} of {items.length}.
          </span>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setShown((n) => n + PAGE_SIZE * 4);
            }}
          >
            Show {next} more
          </button>
        </p>
      )}
    </>
  );
}
