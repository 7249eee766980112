/** @module What every record item draws alike: its flags as tags, and its details as a list. */
import type { ReactNode } from 'react';
import type { ItemDetail, ItemFlag } from '../resource-summary.ts';
import { Fact } from './fact.tsx';

export interface ItemFlagsProps {
  readonly flags: readonly ItemFlag[];
  /** Tags drawn before the item's own, e.g. a report's count of abnormal results. */
  readonly leading?: ReactNode;
}

/** The item's flags, each a tag in its tone; nothing when there are none. */
export function ItemFlags({ flags, leading }: ItemFlagsProps) {
  if (flags.length === 0 && leading === undefined) return null;
  return (
    <p className="item__flags">
      {leading}
      {flags.map((flag, index) => (
        <span key={index} className={`tag tag--${flag.tone}`}>
          {flag.text}
        </span>
      ))}
    </p>
  );
}

/** The item's details, label by label; nothing when there are none. */
export function ItemDetails({ details }: { readonly details: readonly ItemDetail[] }) {
  if (details.length === 0) return null;
  return (
    <dl className="item__details">
      {details.map((detail, index) => (
        <Fact key={index} term={detail.label}>
          {detail.value}
        </Fact>
      ))}
    </dl>
  );
}
