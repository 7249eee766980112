/** @module The record's views as tabs (WAI-ARIA tabs pattern); only the open view is rendered. */
import { useRef } from 'react';
import type { RecordViewContext, RecordViewSpec } from './record-views.tsx';

export interface RecordTabsProps {
  readonly views: readonly RecordViewSpec[];
  /** The open view's id. */
  readonly open: string;
  readonly context: RecordViewContext;
}

/** Keyboard: arrow keys, Home and End move between tabs; opening a tab calls `context.openView`. */
export function RecordTabs({ views, open, context }: RecordTabsProps) {
  const tabs = useRef<Map<string, HTMLButtonElement | null>>(new Map());
  const current = views.find((view) => view.id === open) ?? views[0];

  function select(index: number) {
    const count = views.length;
    const view = views[((index % count) + count) % count];
    if (view === undefined) return;
    context.openView(view.id);
    tabs.current.get(view.id)?.focus();
  }

  if (current === undefined) return null;
  return (
    <div className="sections">
      <div className="tabs tabs--sections" role="tablist" aria-label="Record views">
        {views.map((view, index) => {
          const count = view.count?.(context.record);
          const warned = view.warned?.(context.record) === true;
          const selected = view.id === current.id;
          return (
            <button
              key={view.id}
              id={`tab-${view.id}`}
              ref={(element) => {
                tabs.current.set(view.id, element);
              }}
              type="button"
              role="tab"
              className={
                count === 0 || (count === undefined && view.count !== undefined)
                  ? 'tabs__tab tabs__tab--empty'
                  : 'tabs__tab'
              }
              aria-selected={selected}
              aria-controls={`panel-${view.id}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => {
                select(index);
              }}
              onKeyDown={(event) => {
                const moves: Record<string, number> = {
                  ArrowRight: index + 1,
                  ArrowLeft: index - 1,
                  Home: 0,
                  End: views.length - 1,
                };
                const target = moves[event.key];
                if (target !== undefined) {
                  event.preventDefault();
                  select(target);
                }
              }}
            >
              {view.label}
              {count !== undefined && (
                <>
                  {' '}
                  <span className="tabs__count">{count}</span>
                </>
              )}
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
        id={`panel-${current.id}`}
        role="tabpanel"
        aria-labelledby={`tab-${current.id}`}
        className="tabs__panel"
        tabIndex={0}
      >
        {current.render(context)}
      </div>
    </div>
  );
}
