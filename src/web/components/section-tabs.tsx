/** @module The record's sections as tabs; only the open section is rendered. */
import { useMemo, useRef, useState } from 'react';
import type { RecordView, SourceSummary } from '../../api/record.ts';
import type { ResolveReference } from '../resource-summary.ts';
import { warningCounts } from '../section-warnings.ts';
import { SECTION_NAMES, type SectionName } from '../../api/record.ts';
import { SECTION_LABELS } from '../source-status.ts';
import { SectionItems } from './section-items.tsx';

export interface SectionTabsProps {
  readonly sections: RecordView['sections'];
  readonly sources: readonly SourceSummary[];
  readonly resolve: ResolveReference;
  /** True while some sources have not answered yet. */
  readonly waiting?: boolean;
}

/** Keyboard: arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
export function SectionTabs({ sections, sources, resolve, waiting }: SectionTabsProps) {
  const [open, setOpen] = useState<SectionName>('medications');
  const tabs = useRef<Partial<Record<SectionName, HTMLButtonElement | null>>>({});
  const warnings = useMemo(() => warningCounts(sources), [sources]);

  function select(index: number) {
    const count = SECTION_NAMES.length;
    const name = SECTION_NAMES[((index % count) + count) % count];
    if (name === undefined) return;
    setOpen(name);
    tabs.current[name]?.focus();
  }

  return (
    <div className="sections">
      <div className="tabs tabs--sections" role="tablist" aria-label="Record sections">
        {SECTION_NAMES.map((name, index) => {
          const count = sections[name].length;
          const warned = (warnings[name] ?? 0) > 0;
          return (
            <button
              key={name}
              id={`tab-${name}`}
              ref={(element) => {
                tabs.current[name] = element;
              }}
              type="button"
              role="tab"
              className={count === 0 ? 'tabs__tab tabs__tab--empty' : 'tabs__tab'}
              aria-selected={open === name}
              aria-controls={`panel-${name}`}
              tabIndex={open === name ? 0 : -1}
              onClick={() => {
                select(index);
              }}
              onKeyDown={(event) => {
                const moves: Record<string, number> = {
                  ArrowRight: index + 1,
                  ArrowLeft: index - 1,
                  Home: 0,
                  End: SECTION_NAMES.length - 1,
                };
                const target = moves[event.key];
                if (target !== undefined) {
                  event.preventDefault();
                  select(target);
                }
              }}
            >
              {SECTION_LABELS[name]} <span className="tabs__count">{count}</span>
              {warned && (
                <span className="tabs__warning">
                  <span aria-hidden="true">!</span>
                  <span className="visually-hidden"> (has warnings)</span>
                </span>
              )}
            </button>
          );
        })}
      </div>
      <div
        id={`panel-${open}`}
        role="tabpanel"
        aria-labelledby={`tab-${open}`}
        className="tabs__panel"
        tabIndex={0}
      >
        <SectionItems
          key={open}
          name={open}
          entries={sections[open]}
          resolve={resolve}
          sources={sources}
          {...(waiting === undefined ? {} : { waiting })}
        />
      </div>
    </div>
  );
}
