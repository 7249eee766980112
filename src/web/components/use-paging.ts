/** @module A page at a time: how many of a long list are drawn, and "Show more". */
import { useState } from 'react';

/** What a paged list draws and offers. */
export interface Paging {
  readonly shown: number;
  readonly remaining: number;
  /** How many the next "Show more" adds. */
  readonly next: number;
  more(): void;
}

/** Draws `first` items, then `step` more on each `more()`. */
export function usePaging(total: number, first: number, step = first * 4): Paging {
  const [limit, setLimit] = useState(first);
  const shown = Math.min(limit, total);
  const remaining = total - shown;
  return {
    shown,
    remaining,
    next: Math.min(remaining, step),
    more: () => {
      setLimit((n) => n + step);
    },
  };
}
