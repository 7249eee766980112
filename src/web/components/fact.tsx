/** @module One fact in a description list: its term and what it is. */
import type { ReactNode } from 'react';

export interface FactProps {
  readonly term: string;
  /** A class for the description, e.g. `nhs-number`. */
  readonly className?: string;
  readonly children: ReactNode;
}

/** A `dt`/`dd` pair, grouped in a `div` as a `dl` may hold them. */
export function Fact({ term, className, children }: FactProps) {
  return (
    <div>
      <dt>{term}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}
