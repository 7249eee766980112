/**
 * @module One test's results over time as an SVG chart (visx: d3 scales and axes drawn as plain
 * SVG by React, so the markup is ours to make accessible), with the reference range as a band and
 * the same results as a table beside it: the table is the alternative for screen readers and print.
 */
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { formatDate } from '../fhir-display.ts';
import { ChartFigure, DataDots, plotSize, type ChartArea } from './chart-figure.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';
import { outsideItsRange, type TrendPoint, type TrendSeries } from '../trends.ts';

const AREA: ChartArea = {
  width: 640,
  height: 220,
  margin: { top: 12, right: 16, bottom: 36, left: 56 },
};
/** Table rows drawn at first (newest); the rest a "Show more" away. */
const TABLE_ROWS = 10;

export interface TrendChartProps {
  readonly series: TrendSeries;
}

/** `48 mmol/mol`, with the laboratory's comparator when it gave one. */
export function pointText(point: TrendPoint, unit: string): string {
  return [`${point.comparator ?? ''}${point.value}`, unit].filter((part) => part !== '').join(' ');
}

function rangeText(low: number | undefined, high: number | undefined, unit: string): string {
  const suffix = unit === '' ? '' : ` ${unit}`;
  if (low !== undefined && high !== undefined) return `${low} to ${high}${suffix}`;
  if (low !== undefined) return `${low} or more${suffix}`;
  if (high !== undefined) return `up to ${high}${suffix}`;
  return '';
}

/** A sentence a screen reader announces for the chart itself. */
export function trendDescription(series: TrendSeries): string {
  const first = series.points[0];
  const last = series.points.at(-1);
  if (first === undefined || last === undefined) return `${series.name}: no results.`;
  const range = rangeText(series.low, series.high, series.unit);
  return [
    `${series.name}: ${series.points.length} results from ${formatDate(first.date)} to ${formatDate(last.date)}.`,
    `Latest ${pointText(last, series.unit)} on ${formatDate(last.date)}.`,
    range === '' ? '' : `Reference range ${range}.`,
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** The chart, then its table. */
export function TrendChart({ series }: TrendChartProps) {
  const id = `trend-${series.key.replace(/[^A-Za-z0-9]+/g, '-')}`;
  const { width: innerWidth, height: innerHeight } = plotSize(AREA);
  const times = series.points.map((point) => point.time);
  const values = series.points.map((point) => point.value);
  const bounds = [...values, series.low, series.high].filter(
    (value): value is number => value !== undefined,
  );
  const lowest = Math.min(...bounds);
  const highest = Math.max(...bounds);
  const pad = (highest - lowest || Math.abs(highest) || 1) * 0.1;
  const x = scaleTime<number>({
    domain: [new Date(Math.min(...times)), new Date(Math.max(...times))],
    range: [8, innerWidth - 8],
  });
  const y = scaleLinear<number>({
    domain: [lowest - pad, highest + pad],
    range: [innerHeight, 0],
    nice: true,
  });
  const [top, bottom] = [
    y(series.high ?? y.domain()[1] ?? highest),
    y(series.low ?? y.domain()[0] ?? lowest),
  ];
  const hasRange = series.low !== undefined || series.high !== undefined;
  const newestFirst = [...series.points].reverse();
  const paging = usePaging(newestFirst.length, TABLE_ROWS);
  return (
    <ChartFigure
      id={id}
      className="trend"
      caption={
        <>
          {series.name}
          {series.unit === '' ? '' : ` (${series.unit})`}
        </>
      }
      area={AREA}
      chart={{
        className: 'trend-chart',
        title: `Chart of ${series.name}`,
        description: trendDescription(series),
        points: series.points.length,
      }}
      table={{
        columns: ['Date', 'Result', 'Reference range', 'Source'],
        rows: newestFirst.slice(0, paging.shown).map((point) => {
          const outside = outsideItsRange(point);
          return (
            <tr
              key={`${point.sourceId}/${point.id}`}
              className={outside === undefined ? undefined : 'results__row--abnormal'}
            >
              <td>{formatDate(point.date)}</td>
              <td>
                {pointText(point, series.unit)}
                {outside === undefined ? '' : ` (${outside} range)`}
              </td>
              <td>{rangeText(point.low, point.high, series.unit)}</td>
              <td>{point.source}</td>
            </tr>
          );
        }),
      }}
      axes={{
        left: { scale: y, numTicks: 5 },
        bottom: {
          scale: x,
          numTicks: Math.min(5, series.points.length),
          tickFormat: (value) =>
            value instanceof Date ? formatDate(value.toISOString().slice(0, 10)) : '',
        },
      }}
      after={<ShowMore paging={paging} total={newestFirst.length} noun="results" />}
    >
      {hasRange && (
        <rect
          className="trend-chart__range"
          x={0}
          width={innerWidth}
          y={top}
          height={Math.max(0, bottom - top)}
        />
      )}
      <LinePath<TrendPoint>
        className="trend-chart__line"
        data={[...series.points]}
        x={(point) => x(new Date(point.time))}
        y={(point) => y(point.value)}
      />
      <DataDots
        points={series.points}
        cx={(point) => x(new Date(point.time))}
        cy={(point) => y(point.value)}
        className={(point) =>
          outsideItsRange(point) === undefined
            ? 'trend-chart__point'
            : 'trend-chart__point trend-chart__point--outside'
        }
      />
    </ChartFigure>
  );
}
