/** @module How a Documents item's document is fetched, given to the record's components by context. */
import { createContext } from 'react';
import type { ApiResult, DocumentRef, OpenedDocument } from './api-client.ts';

/** Fetches one item's document for the patient on screen; absent where documents cannot be opened. */
export type OpenDocument = (item: DocumentRef) => Promise<ApiResult<OpenedDocument>>;

export const DocumentOpenerContext = createContext<OpenDocument | undefined>(undefined);

/** Whether an item names a document the server can fetch: inline data, or an NRL pointer's address. */
export function isOpenable(sourceId: string, resource: Readonly<Record<string, unknown>>): boolean {
  if (resource['resourceType'] !== 'DocumentReference' || typeof resource['id'] !== 'string')
    return false;
  const contents: unknown[] = Array.isArray(resource['content']) ? resource['content'] : [];
  return contents.some((content) => {
    if (typeof content !== 'object' || content === null || !('attachment' in content)) return false;
    const attachment: unknown = content.attachment;
    if (typeof attachment !== 'object' || attachment === null) return false;
    const data = 'data' in attachment ? attachment.data : undefined;
    const url = 'url' in attachment ? attachment.url : undefined;
    return (
      (typeof data === 'string' && data !== '') || (sourceId === 'nrl' && typeof url === 'string')
    );
  });
}
