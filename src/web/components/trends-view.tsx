/**
 * @module Trends: every test with repeated numeric results, across every source, as a chart with
 * its table; a clinician narrows the list by the test's name.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import type { RecordItem } from '../../api/record.ts';
import { trendSeries } from '../trends.ts';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';
import { ChartsLoading } from './charts-loading.tsx';

// The charts (visx and d3's scales) are a chunk of their own, fetched when Trends first opens:
// the record a clinician opens first does not wait for them.
const TrendChart = lazy(() =>
  import('./trend-chart.tsx').then((module) => ({ default: module.TrendChart })),
);

/** Charts drawn at first; a record of twenty years has many tests, each with hundreds of results. */
const CHARTS = 6;

export interface TrendsViewProps {
  /** The investigations section's items (every source's). */
  readonly items: readonly RecordItem[];
}

export function TrendsView({ items }: TrendsViewProps) {
  const series = useMemo(() => trendSeries(items), [items]);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const words = query.trim().toLowerCase();
    return words === '' ? series : series.filter((one) => one.name.toLowerCase().includes(words));
  }, [series, query]);
  const paging = usePaging(shown.length, CHARTS, CHARTS);
  return (
    <section aria-labelledby="heading-trends">
      <h2 id="heading-trends">Trends</h2>
      {series.length === 0 ? (
        <p className="empty">No test has more than one numeric result in what the systems sent.</p>
      ) : (
        <>
          <p className="hint">
            Results of the same test (same LOINC or SNOMED CT code, same unit) from every source,
            oldest to newest; the shaded band is the newest result&apos;s reference range.
          </p>
          <div className="field">
            <label htmlFor="trends-filter">Find a test</label>
            <input
              id="trends-filter"
              type="search"
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
              }}
            />
          </div>
          <p className="visually-hidden" role="status">
            {shown.length} of {series.length} tests shown.
          </p>
          <Suspense fallback={<ChartsLoading />}>
            {shown.slice(0, paging.shown).map((one) => (
              <TrendChart key={one.key} series={one} />
            ))}
          </Suspense>
          <ShowMore paging={paging} total={shown.length} noun="tests" />
        </>
      )}
    </section>
  );
}
