/**
 * @module The plain record view's JSON body, written item by item into Buffers instead of one
 * string of the whole record: a large record's text is never in the heap at once, only a chunk of
 * it. The envelope and every item go through the contract's compiled serialisers (src/api/record.ts,
 * the route's own `RecordView` schema split in two), so nothing undeclared is sent and the bytes
 * are those the route's schema would give the whole view.
 */
import { Type } from '@sinclair/typebox';
import { RecordView } from '../../api/record.ts';
import type * as Api from '../../api/record.ts';
import { SECTION_NAMES, type Sections } from '../../shared/sections.ts';
import { itemData } from './record-data.ts';

/** The view without its sections: the envelope, serialised first (its `sections` is last). */
export const RecordViewEnvelope = Type.Omit(RecordView, ['sections']);

/** What the contract's compiled serialisers are asked to write. */
type Serialise = (payload: { [key: string]: unknown }) => string;

export interface RecordJsonSerialisers {
  /** {@link RecordViewEnvelope}'s serialiser. */
  readonly envelope: Serialise;
  /** `RecordItem`'s serialiser (src/api/record.ts). */
  readonly item: Serialise;
}

/** About this many characters are gathered before they are written out as one Buffer. */
const CHUNK = 64 * 1024;

/**
 * The view as UTF-8 JSON: the envelope's fields, then `sections`, each item serialised on its own.
 * Throws as a serialiser does (a field the contract requires is missing), before anything is sent.
 */
export function recordViewJson(
  envelope: Omit<Api.RecordView, 'sections'>,
  sections: Sections,
  serialise: RecordJsonSerialisers,
): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  let pending = '';
  const write = (text: string): void => {
    pending += text;
    if (pending.length < CHUNK) return;
    flush();
  };
  const flush = (): void => {
    if (pending === '') return;
    const chunk = Buffer.from(pending, 'utf8');
    chunks.push(chunk);
    size += chunk.length;
    pending = '';
  };

  const head = serialise.envelope(envelope);
  // `sections` is the last property of RecordView: it goes where the envelope's object closes.
  write(head.slice(0, -1));
  write(',"sections":{');
  SECTION_NAMES.forEach((name, index) => {
    write(`${index === 0 ? '' : ','}"${name}":[`);
    sections[name].forEach((item, position) => {
      if (position > 0) write(',');
      write(serialise.item(itemData(item)));
    });
    write(']');
  });
  write('}}');
  flush();
  return Buffer.concat(chunks, size);
}
