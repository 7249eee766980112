/**
 * @module Accesses per day as a bar chart, drawn by React in SVG with attributes and classes
 * only (no inline styles: the Content-Security-Policy allows none). The table beside it carries
 * the same facts for screen readers.
 */
import { chartDays, chartScale } from '../audit-display.ts';
import { formatDate } from '../fhir-display.ts';

export interface AccessChartProps {
  readonly perDay: readonly { readonly date: string; readonly count: number }[];
}

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 40;
const BOTTOM = 30;
const TOP = 12;

/** The chart, or nothing when there were no accesses. */
export function AccessChart({ perDay }: AccessChartProps) {
  const days = chartDays(perDay);
  if (days.length === 0) return null;
  const top = chartScale(Math.max(...days.map((day) => day.count)));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / days.length;
  const barWidth = Math.max(1, Math.min(40, slot * 0.7));
  const y = (count: number): number => TOP + plotHeight - (count / top) * plotHeight;
  const first = days[0];
  const last = days.at(-1);
  const total = days.reduce((n, day) => n + day.count, 0);
  return (
    <figure className="chart">
      <svg
        className="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="access-chart-title"
      >
        <title id="access-chart-title">
          {`Accesses per day, ${formatDate(first?.date)} to ${formatDate(last?.date)}: ${total} in all, at most ${Math.max(...days.map((d) => d.count))} in a day`}
        </title>
        <line className="chart__axis" x1={LEFT} y1={y(0)} x2={WIDTH} y2={y(0)} />
        <line className="chart__grid" x1={LEFT} y1={y(top)} x2={WIDTH} y2={y(top)} />
        <text className="chart__label" x={LEFT - 6} y={y(top) + 4} textAnchor="end">
          {top}
        </text>
        <text className="chart__label" x={LEFT - 6} y={y(0) + 4} textAnchor="end">
          0
        </text>
        {days.map((day, i) => (
          <rect
            key={day.date}
            className="chart__bar"
            x={LEFT + i * slot + (slot - barWidth) / 2}
            y={y(day.count)}
            width={barWidth}
            height={Math.max(0, y(0) - y(day.count))}
          >
            <title>{`${formatDate(day.date)}: ${day.count} ${day.count === 1 ? 'access' : 'accesses'}`}</title>
          </rect>
        ))}
        <text className="chart__label" x={LEFT} y={HEIGHT - 8} textAnchor="start">
          {formatDate(first?.date)}
        </text>
        {days.length > 1 && (
          <text className="chart__label" x={WIDTH} y={HEIGHT - 8} textAnchor="end">
            {formatDate(last?.date)}
          </text>
        )}
      </svg>
      <figcaption className="chart__caption">Accesses per day (UTC)</figcaption>
    </figure>
  );
}
