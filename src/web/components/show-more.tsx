/** @module The "Show more" line under a paged list. */
import type { Paging } from './use-paging.ts';

export interface ShowMoreProps {
  readonly paging: Paging;
  readonly total: number;
  /** What the items are, plural: `reports`, `consultations`. */
  readonly noun?: string;
}

/** Nothing when everything is drawn. */
export function ShowMore({ paging, total, noun = 'items' }: ShowMoreProps) {
  if (paging.remaining <= 0) return null;
  return (
    <p className="show-more">
      <span className="show-more__count">
        Showing {paging.shown} of {total} {noun}.
      </span>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          paging.more();
        }}
      >
        Show {paging.next} more
      </button>
    </p>
  );
}
