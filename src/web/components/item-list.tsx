/** @module A paged list of record item cards. */
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import type { ResolveReference } from '../resource-summary.ts';
import { RecordItemCard } from './record-item-card.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';

/** How many items are drawn at first; each "Show more" draws up to four times as many again. */
export const PAGE_SIZE = 50;

export interface ItemListProps {
  readonly items: readonly { readonly entry: RecordEntry }[];
  readonly resolve: ResolveReference;
}

/** Only drawn items are summarised, so thousands of items do not freeze the page. */
export function ItemList({ items, resolve }: ItemListProps) {
  const paging = usePaging(items.length, PAGE_SIZE);
  return (
    <>
      <ul className="items">
        {items.slice(0, paging.shown).map(({ entry }, index) => (
          <RecordItemCard key={index} entry={entry} resolve={resolve} />
        ))}
      </ul>
      <ShowMore paging={paging} total={items.length} />
    </>
  );
}
