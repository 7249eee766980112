/**
 * @module One growth measure of a child against the UK-WHO centile lines, as SVG (visx, in the
 * style of ./trend-chart.tsx), age in months on the axis, and the same measurements as a table
 * beside it: the table is the alternative for screen readers and print.
 */
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
import { ChartFigure, DataDots, plotSize, type ChartArea } from './chart-figure.tsx';

const AREA: ChartArea = {
  width: 640,
  height: 300,
  margin: { top: 12, right: 56, bottom: 40, left: 56 },
};

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
  const { width: innerWidth, height: innerHeight } = plotSize(AREA);
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
    <ChartFigure
      id={id}
      className="trend growth"
      caption={`${label} (${unit}) against the UK-WHO centiles`}
      area={AREA}
      chart={{
        className: 'trend-chart growth-chart',
        title: `Growth chart of ${label.toLowerCase()}`,
        description: growthDescription(series),
        points: charted.length,
      }}
      axes={{
        left: { scale: y, numTicks: 6 },
        bottom: {
          scale: x,
          tickValues: [0, 3, 6, 9, 12, 15, 18, 21, 24],
          label: 'Age in months',
          labelClassName: 'growth-chart__axis-label',
        },
      }}
      table={{
        columns: ['Date', 'Age', label, 'Centile', 'Source'],
        rows: newestFirst.map((point) => (
          <tr key={`${point.sourceId}/${point.id}`}>
            <td>{formatDate(point.date)}</td>
            <td>{ageText(point.months)}</td>
            <td>{valueText(point.value, unit)}</td>
            <td>{point.centile === '' ? 'past the chart’s ages' : point.centile}</td>
            <td>{point.source}</td>
          </tr>
        )),
      }}
    >
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
      <DataDots
        points={charted}
        cx={(point) => x(point.months)}
        cy={(point) => y(point.value)}
        className={() => 'trend-chart__point growth-chart__point'}
      />
    </ChartFigure>
  );
}
