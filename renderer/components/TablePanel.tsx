// A titled panel holding a table of records (machines, installers), or a hint while there are none.
import type { ReactNode } from 'react';

export interface TablePanelProps {
  /** id of the heading, which labels both the section and the table. */
  titleId: string;
  title: ReactNode;
  columns: readonly string[];
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  className?: string;
  rows: readonly ReactNode[];
  /** Controls between the title and the table (a search field). */
  tools?: ReactNode;
  /** A first header cell before the columns (the machine list's select-all box). */
  leadHeader?: ReactNode;
}

export function TablePanel({ titleId, title, columns, empty, className, rows, tools, leadHeader }: TablePanelProps) {
  return (
    <section aria-labelledby={titleId} className="panel">
      <h2 id={titleId}>{title}</h2>
      {tools}
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className={className ? `table ${className}` : 'table'} aria-labelledby={titleId}>
          <thead>
            <tr>
              {leadHeader !== undefined ? (
                <th scope="col" className="lead">
                  {leadHeader}
                </th>
              ) : null}
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
      )}
    </section>
  );
}
