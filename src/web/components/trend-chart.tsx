/**
 * @module One test's results over time as an SVG chart (visx: d3 scales and axes drawn as plain
 * SVG by React, so the markup is ours to make accessible), with the reference range as a band and
 * the same results as a table beside it: the table is the alternative for screen readers and print.
 */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { formatDate } from '../fhir-display.ts';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';
import { outsideItsRange, type TrendPoint, type TrendSeries } from '../trends.ts';

const WIDTH = 640;
const HEIGHT = 220;
/** Table rows drawn at first (newest); the rest a "Show more" away. */
const TABLE_ROWS = 10;
const MARGIN = { top: 12, right: 16, bottom: 36, left: 56 };

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
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
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
    <figure className="trend" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="trend__caption">
        {series.name}
        {series.unit === '' ? '' : ` (${series.unit})`}
      </figcaption>
      <svg
        className="trend-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-points={series.points.length}
      >
        <title id={`${id}-title`}>{`Chart of ${series.name}`}</title>
        <desc id={`${id}-desc`}>{trendDescription(series)}</desc>
        <Group left={MARGIN.left} top={MARGIN.top}>
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
          {series.points.map((point) => (
            <circle
              key={`${point.sourceId}/${point.id}`}
              className={
                outsideItsRange(point) === undefined
                  ? 'trend-chart__point'
                  : 'trend-chart__point trend-chart__point--outside'
              }
              cx={x(new Date(point.time))}
              cy={y(point.value)}
              r={4}
            />
          ))}
          <AxisLeft scale={y} numTicks={5} tickClassName="trend-chart__tick" />
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={Math.min(5, series.points.length)}
            tickFormat={(value) =>
              value instanceof Date ? formatDate(value.toISOString().slice(0, 10)) : ''
            }
            tickClassName="trend-chart__tick"
          />
        </Group>
      </svg>
      <table className="results trend__table" aria-labelledby={`${id}-caption`}>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Result</th>
            <th scope="col">Reference range</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.slice(0, paging.shown).map((point) => {
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
          })}
        </tbody>
      </table>
      <ShowMore paging={paging} total={newestFirst.length} noun="results" />
    </figure>
  );
}
