/** @module Documents, newest first, each that has an attachment with a button to open it here. */
import { useContext, useMemo, useState } from 'react';
import type { RecordItem as RecordEntry } from '../../api/record.ts';
import { DocumentOpenerContext, isOpenable } from '../document-opener.ts';
import { newestFirst, type ResolveReference } from '../resource-summary.ts';
import { DocumentViewer } from './document-viewer.tsx';
import { PAGE_SIZE } from './item-list.tsx';
import { RecordItemCard } from './record-item-card.tsx';
import { ShowMore } from './show-more.tsx';
import { usePaging } from './use-paging.ts';

export interface DocumentsListProps {
  readonly entries: readonly RecordEntry[];
  readonly resolve: ResolveReference;
}

export function DocumentsList({ entries, resolve }: DocumentsListProps) {
  const open = useContext(DocumentOpenerContext);
  const sorted = useMemo(() => newestFirst(entries), [entries]);
  const paging = usePaging(sorted.length, PAGE_SIZE);
  const [opened, setOpened] = useState<string | undefined>(undefined);
  return (
    <>
      <ul className="items">
        {sorted.slice(0, paging.shown).map(({ entry }, index) => {
          const key = `${entry.source.sourceId}/${entry.resource.id ?? index}`;
          const openable = open !== undefined && isOpenable(entry.source.sourceId, entry.resource);
          return (
            <RecordItemCard key={key} entry={entry} resolve={resolve}>
              {openable && entry.resource.id !== undefined && (
                <p className="item__actions">
                  <button
                    type="button"
                    className="button button--secondary"
                    aria-expanded={opened === key}
                    onClick={() => {
                      setOpened(opened === key ? undefined : key);
                    }}
                  >
                    {opened === key ? 'Close document' : 'Open document'}
                  </button>
                </p>
              )}
              {opened === key && open !== undefined && entry.resource.id !== undefined && (
                <DocumentViewer
                  open={open}
                  sourceId={entry.source.sourceId}
                  documentId={entry.resource.id}
                  title={`Document from ${entry.source.system}`}
                />
              )}
            </RecordItemCard>
          );
        })}
      </ul>
      <ShowMore paging={paging} total={sorted.length} noun="documents" />
    </>
  );
}
