/**
 * @module The plain record view's JSON body, written item by item into Buffers instead of one
 * string of the whole record: a large record's text is never in the heap at once, only a chunk of
 * it. The envelope and every item go through the contract's compiled serialisers (src/api/record.ts,
 * the route's own `RecordView` schema split in two), so nothing undeclared is sent and the bytes
 * are those the route's schema would give the whole view. An item's resource, which the contract
 * passes through as the source sent it, is written by JSON.stringify where that gives the same bytes.
 */
import { Type } from '@sinclair/typebox';
import { RecordView } from '../../api/record.ts';
import type * as Api from '../../api/record.ts';
import { SECTION_NAMES, type RecordItem, type Sections } from '../../shared/sections.ts';
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
  /** `Provenance`'s serialiser: an item's `source`. */
  readonly provenance: Serialise;
  /** `ItemRef`'s serialiser: an item's `alsoFrom` and `duplicateOf`. */
  readonly ref: Serialise;
}

/** The size of each Buffer the body is written into. */
const CHUNK = 64 * 1024;

/** Writes strings as UTF-8 straight into fixed-size Buffers (no string of the whole is made). */
class Utf8Chunks {
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private size = 0;

  write(text: string): void {
    // At most 3 bytes per UTF-16 unit: a text that may not fit goes in the next Buffer.
    if (text.length * 3 > this.chunk.length - this.used) {
      this.flush();
      if (text.length * 3 > CHUNK) {
        const large = Buffer.from(text, 'utf8');
        this.chunks.push(large);
        this.size += large.length;
        return;
      }
      this.chunk = Buffer.allocUnsafe(CHUNK);
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
  }

  /** Everything written, as one Buffer. */
  concat(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks, this.size);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.chunk.subarray(0, this.used));
    this.size += this.used;
    this.chunk = Buffer.allocUnsafe(0);
    this.used = 0;
  }
}

/**
 * The view as UTF-8 JSON: the envelope's fields, then `sections`, each item serialised on its own.
 * Throws as a serialiser does (a field the contract requires is missing), before anything is sent.
 */
export function recordViewJson(
  envelope: Omit<Api.RecordView, 'sections'>,
  sections: Sections,
  serialise: RecordJsonSerialisers,
): Buffer {
  const out = new Utf8Chunks();
  const head = serialise.envelope(envelope);
  // `sections` is the last property of RecordView: it goes where the envelope's object closes.
  out.write(head.slice(0, -1));
  out.write(',"sections":{');
  // Items of one source share their provenance: each is serialised once.
  const provenances = new Map<RecordItem['source'], string>();
  SECTION_NAMES.forEach((name, index) => {
    out.write(`${index === 0 ? '' : ','}"${name}":[`);
    sections[name].forEach((item, position) => {
      if (position > 0) out.write(',');
      writeItem(out, item, serialise, provenances);
    });
    out.write(']');
  });
  out.write('}}');
  return out.concat();
}

/**
 * One item as `RecordItem`'s serialiser writes it: its provenance and duplicate marks through
 * their own serialisers, its resource in one JSON.stringify (see {@link resourceJson}); an item
 * whose resource that would write otherwise goes through `RecordItem`'s serialiser whole.
 */
function writeItem(
  out: Utf8Chunks,
  item: RecordItem,
  serialise: RecordJsonSerialisers,
  provenances: Map<RecordItem['source'], string>,
): void {
  const resource = resourceJson(item.resource as unknown as Api.FhirResourceJson);
  if (resource === undefined) {
    out.write(serialise.item(itemData(item)));
    return;
  }
  let source = provenances.get(item.source);
  if (source === undefined) {
    source = serialise.provenance(itemData(item).source);
    provenances.set(item.source, source);
  }
  out.write('{"source":');
  out.write(source);
  out.write(',"resource":');
  out.write(resource);
  if (item.alsoFrom !== undefined) {
    out.write(',"alsoFrom":[');
    item.alsoFrom.forEach((ref, position) => {
      out.write(
        `${position === 0 ? '' : ','}${serialise.ref({ sourceId: ref.sourceId, id: ref.id })}`,
      );
    });
    out.write(']');
  }
  if (item.duplicateOf !== undefined) {
    const { sourceId, id } = item.duplicateOf;
    out.write(`,"duplicateOf":${serialise.ref({ sourceId, id })}`);
  }
  out.write('}');
}

/**
 * The resource as JSON.stringify writes it, when that is what the contract's serialiser writes:
 * it puts `resourceType` (a string, required) first, then `id` (a string) if any, then every other
 * field by JSON.stringify, in order. So: `resourceType` the first field, `id` (when set) the
 * second, no `toJSON`. Undefined otherwise.
 */
function resourceJson(resource: Api.FhirResourceJson): string | undefined {
  if (typeof resource.resourceType !== 'string') return undefined;
  if (resource.id !== undefined && typeof resource.id !== 'string') return undefined;
  if (typeof (resource as { toJSON?: unknown }).toJSON === 'function') return undefined;
  let position = 0;
  for (const key in resource) {
    if (position === 0 && key !== 'resourceType') return undefined;
    if (position === 1) {
      if (key !== 'id' && resource.id !== undefined) return undefined;
      break;
    }
    position += 1;
  }
  return JSON.stringify(resource);
}
