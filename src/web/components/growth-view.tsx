/**
 * @module Growth: a child's weight, length and head circumference from every source, each charted
 * against the UK-WHO centiles (WHO Child Growth Standards, src/web/growth/who-lms.ts) with a table.
 */
import { lazy, Suspense, useMemo } from 'react';
import type { RecordItem } from '../../api/record.ts';
import type { PatientSummary } from '../../api/patients.ts';
import { growthData } from '../growth/growth-measurements.ts';
import { ChartsLoading } from './charts-loading.tsx';

// The charts are a chunk of their own (as in Trends), fetched when Growth first opens.
const GrowthChart = lazy(() =>
  import('./growth-chart.tsx').then((module) => ({ default: module.GrowthChart })),
);

export interface GrowthViewProps {
  /** The investigations section's items (every source's). */
  readonly items: readonly RecordItem[];
  readonly patient: PatientSummary;
}

function Empty({ children }: { readonly children: string }) {
  return <p className="empty">{children}</p>;
}

export function GrowthView({ items, patient }: GrowthViewProps) {
  const data = useMemo(() => growthData(items, patient), [items, patient]);
  return (
    <section aria-labelledby="heading-growth">
      <h2 id="heading-growth">Growth</h2>
      {data.kind === 'no-birth-date' && (
        <Empty>Growth charts need the date of birth, which the demographics do not give.</Empty>
      )}
      {data.kind === 'no-sex' && (
        <Empty>
          Growth charts are by sex, which the demographics do not give as male or female; the
          measurements are in Investigations.
        </Empty>
      )}
      {data.kind === 'too-old' && (
        <Empty>
          Growth charts here cover birth to 2 years (the WHO standards the UK-WHO charts use); this
          patient is older.
        </Empty>
      )}
      {data.kind === 'charts' && (
        <>
          <p className="hint">
            {data.sex === 'female' ? 'Girls’' : 'Boys’'} UK-WHO centiles (WHO Child Growth
            Standards, birth to 2 years) with every source&apos;s measurements; age in months.
            Lines: 0.4th, 2nd, 9th, 25th, 50th, 75th, 91st, 98th and 99.6th centiles.
          </p>
          {data.series.length === 0 ? (
            <Empty>No weight, length or head circumference was returned.</Empty>
          ) : (
            <Suspense fallback={<ChartsLoading />}>
              {data.series.map((series) => (
                <GrowthChart key={series.measure} series={series} sex={data.sex} />
              ))}
            </Suspense>
          )}
        </>
      )}
    </section>
  );
}
