/**
 * @module A chart with its table, as the record's charts are drawn: a captioned figure, the chart
 * as an SVG image with a title and a description a screen reader announces, then the same values
 * as a table, the alternative for screen readers and print.
 */
import { AxisBottom, AxisLeft, type AxisScale, type SharedAxisProps } from '@visx/axis';
import { Group } from '@visx/group';
import type { ReactNode } from 'react';
import { ColumnHeads } from './column-heads.tsx';

/** The SVG's size and the margins the axes are drawn in. */
export interface ChartArea {
  readonly width: number;
  readonly height: number;
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
}

/** The size of the plot inside the margins, for the scales. */
export function plotSize(area: ChartArea): { readonly width: number; readonly height: number } {
  return {
    width: area.width - area.margin.left - area.margin.right,
    height: area.height - area.margin.top - area.margin.bottom,
  };
}

export interface ChartFigureProps {
  /** Prefixes the ids the caption, title and description are named by. */
  readonly id: string;
  readonly className: string;
  readonly caption: ReactNode;
  readonly area: ChartArea;
  readonly chart: {
    readonly className: string;
    /** The image's name, e.g. `Chart of HbA1c`. */
    readonly title: string;
    /** A sentence that says what the chart shows. */
    readonly description: string;
    /** How many points are drawn (`data-points`, for tests). */
    readonly points: number;
  };
  /** The value axis (left) and the time or age axis (bottom), drawn in the margins. */
  readonly axes: {
    readonly left: SharedAxisProps<AxisScale>;
    readonly bottom: SharedAxisProps<AxisScale>;
  };
  /** What is drawn inside the axes: bands, lines, points. */
  readonly children: ReactNode;
  readonly table: {
    readonly columns: readonly string[];
    /** The table's rows, newest first. */
    readonly rows: ReactNode;
  };
  /** Drawn after the table, e.g. its "Show more". */
  readonly after?: ReactNode;
}

/** The figure: caption, chart, table. */
export function ChartFigure({
  id,
  className,
  caption,
  area,
  chart,
  axes,
  children,
  table,
  after,
}: ChartFigureProps) {
  return (
    <figure className={className} aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="trend__caption">
        {caption}
      </figcaption>
      <svg
        className={chart.className}
        viewBox={`0 0 ${area.width} ${area.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-points={chart.points}
      >
        <title id={`${id}-title`}>{chart.title}</title>
        <desc id={`${id}-desc`}>{chart.description}</desc>
        <Group left={area.margin.left} top={area.margin.top}>
          {children}
          <AxisLeft tickClassName="trend-chart__tick" {...axes.left} />
          <AxisBottom
            top={plotSize(area).height}
            tickClassName="trend-chart__tick"
            {...axes.bottom}
          />
        </Group>
      </svg>
      <table className="results trend__table" aria-labelledby={`${id}-caption`}>
        <ColumnHeads columns={table.columns} />
        <tbody>{table.rows}</tbody>
      </table>
      {after}
    </figure>
  );
}

/** Where a point came from: its source and its id there (together, its key). */
interface SourcedPoint {
  readonly sourceId: string;
  readonly id: string;
}

export interface DataDotsProps<P extends SourcedPoint> {
  readonly points: readonly P[];
  readonly cx: (point: P) => number;
  readonly cy: (point: P) => number;
  readonly className: (point: P) => string;
}

/** A dot for each point. */
export function DataDots<P extends SourcedPoint>({ points, cx, cy, className }: DataDotsProps<P>) {
  return (
    <>
      {points.map((point) => (
        <circle
          key={`${point.sourceId}/${point.id}`}
          className={className(point)}
          cx={cx(point)}
          cy={cy(point)}
          r={4}
        />
      ))}
    </>
  );
}
