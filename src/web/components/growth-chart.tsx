/**
 * @module One growth measure of a child against the UK-WHO centile lines, as SVG (visx, in the
 * style of ./trend-chart.tsx), age in months on the axis, and the same measurements as a table
 * beside it: the table is the alternative for screen readers and print.
 */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { formatDate } from '../fhir-display.ts';
import { centileLines, type CentileLine } from '../growth/growth-centiles.ts';
import {
  MEASURE_LABELS,
  MEASURE_UNITS,
  type GrowthPoint,
  type GrowthSeries,
} from '../growth/growth-measurements.ts';
import { LMS_LAST_MONTH, type GrowthSex } from '../growth/who-lms.ts';

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { top: 12, right: 56, bottom: 40, left: 56 };

export interface GrowthChartProps {
  readonly series: GrowthSeries;
  readonly sex: GrowthSex;
}

/** Age as a clinician writes it: "10 days", "6 weeks", "14 months". */
export function ageText(months: number): string {
  const days = Math.round(months * 30.4375);
  if (days < 28) return `${days} ${days === 1 ? 'day' : 'days'}`;
  if (months < 3) {
    const weeks = Math.floor(days / 7);
    return `${weeks} weeks`;
  }
  const whole = Math.floor(months);
  return `${whole} months`;
}

function valueText(value: number, unit: string): string {
  return `${Number(value.toFixed(unit === 'kg' ? 2 : 1))} ${unit}`;
}

/** A sentence a screen reader announces for the chart itself. */
export function growthDescription(series: GrowthSeries): string {
  const unit = MEASURE_UNITS[series.measure];
  const last = series.points.at(-1);
  if (last === undefined) return `${MEASURE_LABELS[series.measure]}: no measurements.`;
  const centile = last.centile === '' ? '' : `, ${last.centile}`;
  return `${MEASURE_LABELS[series.measure]}: ${series.points.length} measurements. Latest ${valueText(last.value, unit)} at ${ageText(last.months)} on ${formatDate(last.date)}${centile}.`;
}

export function GrowthChart({ series, sex }: GrowthChartProps) {
  const id = `growth-${series.measure}`;
  const unit = MEASURE_UNITS[series.measure];
  const label = MEASURE_LABELS[series.measure];
  const lines: readonly CentileLine[] = centileLines(series.measure, sex);
  const charted = series.points.filter((point) => point.months <= LMS_LAST_MONTH);
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = [
    ...lines.flatMap((line) => line.points.map((point) => point.value)),
    ...charted.map((point) => point.value),
  ];
  const x = scaleLinear<number>({ domain: [0, LMS_LAST_MONTH], range: [0, innerWidth] });
  const y = scaleLinear<number>({
    domain: [Math.min(...values), Math.max(...values)],
    range: [innerHeight, 0],
    nice: true,
  });
  const newestFirst = [...series.points].reverse();
  return (
    <figure className="trend growth" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="trend__caption">
        {label} ({unit}) against the UK-WHO centiles
      </figcaption>
      <svg
        className="trend-chart growth-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-points={charted.length}
      >
        <title id={`${id}-title`}>{`Growth chart of ${label.toLowerCase()}`}</title>
        <desc id={`${id}-desc`}>{growthDescription(series)}</desc>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {lines.map((line) => (
            <g key={line.label}>
              <LinePath<{ months: number; value: number }>
                className={
                  line.z === 0
                    ? 'growth-chart__centile growth-chart__centile--median'
                    : 'growth-chart__centile'
                }
                data={[...line.points]}
                x={(point) => x(point.months)}
                y={(point) => y(point.value)}
              />
              <text
                className="growth-chart__centile-label"
                x={innerWidth + 4}
                y={y(line.points.at(-1)?.value ?? 0)}
                dy="0.32em"
              >
                {line.label}
              </text>
            </g>
          ))}
          {charted.length > 1 && (
            <LinePath<GrowthPoint>
              className="trend-chart__line"
              data={charted}
              x={(point) => x(point.months)}
              y={(point) => y(point.value)}
            />
          )}
          {charted.map((point) => (
            <circle
              key={`${point.sourceId}/${point.id}`}
              className="trend-chart__point growth-chart__point"
              cx={x(point.months)}
              cy={y(point.value)}
              r={4}
            />
          ))}
          <AxisLeft scale={y} numTicks={6} tickClassName="trend-chart__tick" />
          <AxisBottom
            top={innerHeight}
            scale={x}
            tickValues={[0, 3, 6, 9, 12, 15, 18, 21, 24]}
            tickClassName="trend-chart__tick"
            label="Age in months"
            labelClassName="growth-chart__axis-label"
          />
        </Group>
      </svg>
      <table className="results trend__table" aria-labelledby={`${id}-caption`}>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Age</th>
            <th scope="col">{label}</th>
            <th scope="col">Centile</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.map((point) => (
            <tr key={`${point.sourceId}/${point.id}`}>
              <td>{formatDate(point.date)}</td>
              <td>{ageText(point.months)}</td>
              <td>{valueText(point.value, unit)}</td>
              <td>{point.centile === '' ? 'past the chart’s ages' : point.centile}</td>
              <td>{point.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
