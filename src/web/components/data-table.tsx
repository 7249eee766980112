/** @module A table of rows under column headings, scrolled sideways on a narrow screen. */
import type { ReactNode } from 'react';

/** A column's heading: its words, or words read out but not shown (over a column of buttons). */
export type ColumnHeading = string | { readonly unseen: string };

export interface DataTableProps {
  /** What the table is, read out but not shown. */
  readonly caption?: string | undefined;
  readonly columns: readonly ColumnHeading[];
  /** The rows (`<tr>`), one cell a column. */
  readonly children: ReactNode;
}

export function DataTable({ caption, columns, children }: DataTableProps) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        {caption !== undefined && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.unseen} scope="col">
                  <span className="visually-hidden">{column.unseen}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
