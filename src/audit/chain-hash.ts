/**
 * @module How one audit entry's hash is computed from the previous entry's hash: the rule
 * that both appending and verification follow, kept in one place.
 *
 * The rule (format version 1):
 *   hash(n) = lowercase hex SHA-256 of the UTF-8 bytes of  prevHash(n) + "\n" + entry(n)
 * where entry(n) is the stored canonical JSON (RFC 8785) text of the envelope
 * `{ "v": 1, "seq": n, "recordedAt": "<ISO-8601 UTC>", "event": { … } }` — so the sequence
 * number and the time of recording are themselves covered by the hash — and
 * prevHash(1) is 64 zeros (the genesis value), prevHash(n) = hash(n − 1) otherwise.
 *
 * The same lowercase hex hashes are intended to become the leaves of a Merkle tree for
 * signed checkpoints later, so nothing here may change without a new format version.
 */
import { hash } from 'node:crypto';

/** The `prev_hash` of the first entry. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** Format version written into every entry envelope (`v`). */
export const AUDIT_ENTRY_FORMAT = 1;

/**
 * The stored canonical JSON of the envelope `{ v, seq, recordedAt, event }`, given the event's
 * own canonical JSON: RFC 8785 sorts the envelope's keys as event, recordedAt, seq, v, and a
 * canonical member inside stays canonical, so the event is serialised once (at validation) and
 * spliced in. Equal to `canonicalJson({ v, seq, recordedAt, event })` for an integer `seq` and
 * an ISO-8601 `recordedAt` (test/audit/canonical-json.test.ts holds them to that).
 */
export function entryEnvelopeJson(seq: number, recordedAt: string, eventJson: string): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`Bad audit sequence ${seq}`);
  return `{"event":${eventJson},"recordedAt":${JSON.stringify(recordedAt)},"seq":${seq},"v":${AUDIT_ENTRY_FORMAT}}`;
}

/** Lowercase hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  // One-shot: a third of the cost of createHash().update().digest() for an entry's length.
  return hash('sha256', text, 'hex');
}

/** The hash of an entry, given the previous entry's hash and this entry's stored canonical JSON. */
export function chainHash(prevHash: string, entryJson: string): string {
  return sha256Hex(`${prevHash}\n${entryJson}`);
}

/** True for a 64-character lowercase hex string. */
export function isHashHex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
