/** @module The warnings sources gave about one area (or the whole record), shown beside it. */
import type { ShownWarning } from '../section-warnings.ts';

export interface WarningListProps {
  readonly warnings: readonly ShownWarning[];
  readonly heading: string;
}

/** Each warning in the source's own words, named by source. Nothing when there are none. */
export function WarningList({ warnings, heading }: WarningListProps) {
  if (warnings.length === 0) return null;
  return (
    <div className="inset inset--warning area-warnings" role="note" aria-label={heading}>
      <p className="area-warnings__heading">{heading}</p>
      <ul className="area-warnings__list">
        {warnings.map((warning, index) => (
          <li key={`${warning.sourceId}-${warning.code}-${index}`}>{warning.text}</li>
        ))}
      </ul>
    </div>
  );
}
