/**
 * @module The external witness of audit checkpoints: a file that checkpoints are appended to as
 * JSON lines, or an HTTP(S) endpoint they are POSTed to. Rewriting history in the database
 * alone then shows, because the witness still holds the heads that were signed. A server that
 * finds the trail tampered with before it could sign it sends an alarm line the same way.
 */
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Checkpoint } from './checkpoint-signer.ts';

/** Where checkpoints are witnessed. */
export type WitnessTarget =
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'url'; readonly url: string };

/** `audit.witness` as a target: an http(s) URL, else a file path; undefined when unset or empty. */
export function parseWitness(setting: string | undefined): WitnessTarget | undefined {
  if (setting === undefined || setting.trim() === '') return undefined;
  const value = setting.trim();
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  return { kind: 'file', path: resolve(value.replace(/^file:(\/\/)?/, '')) };
}

/**
 * What a server sends the witness when it finds the trail it was about to sign tampered with
 * (an entry it appended is gone or different, or the chain is broken). Not signed: it can only
 * make verification fail, never pass.
 */
export interface WitnessAlarm {
  /** What was found, in plain words (sequence numbers and hashes only, no audit content). */
  readonly alarm: string;
  /** The entry the problem is at. */
  readonly seq: number;
  readonly timestamp: string;
}

/** A witness line as written: exactly the checkpoint's (or the alarm's) fields. */
function witnessLine(item: Checkpoint | WitnessAlarm): string {
  if ('alarm' in item) {
    const { alarm, seq, timestamp } = item;
    return `${JSON.stringify({ alarm, seq, timestamp })}\n`;
  }
  const { treeSize, rootHash, timestamp, keyId, signature } = item;
  return `${JSON.stringify({ treeSize, rootHash, timestamp, keyId, signature })}\n`;
}

/**
 * Hands a checkpoint (or an alarm) to the witness: appends and flushes a line to the file, or
 * POSTs the JSON (any 2xx within `timeoutMs` is accepted). Throws when the witness did not take it.
 */
export async function sendToWitness(
  target: WitnessTarget,
  item: Checkpoint | WitnessAlarm,
  timeoutMs = 5000,
): Promise<void> {
  if (target.kind === 'file') {
    const file = await open(target.path, 'a', 0o600);
    try {
      await file.write(witnessLine(item));
      await file.datasync();
    } finally {
      await file.close();
    }
    return;
  }
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: witnessLine(item),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`The witness answered HTTP ${response.status}`);
}

/** One line of a witness file, read back. */
export type WitnessEntry =
  | { readonly line: number; readonly kind: 'checkpoint'; readonly checkpoint: Checkpoint }
  | { readonly line: number; readonly kind: 'alarm'; readonly alarm: WitnessAlarm }
  | { readonly line: number; readonly kind: 'unreadable'; readonly message: string };

/** Reads every checkpoint and alarm in a witness file (empty when the file does not exist yet). */
export async function readWitnessFile(path: string): Promise<WitnessEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: WitnessEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      entries.push({ line, kind: 'unreadable', message: `witness line ${line} is not JSON` });
      return;
    }
    const alarm = asAlarm(value);
    if (alarm !== undefined) {
      entries.push({ line, kind: 'alarm', alarm });
      return;
    }
    const checkpoint = asCheckpoint(value);
    entries.push(
      checkpoint === undefined
        ? { line, kind: 'unreadable', message: `witness line ${line} is not a checkpoint` }
        : { line, kind: 'checkpoint', checkpoint },
    );
  });
  return entries;
}

function asAlarm(value: unknown): WitnessAlarm | undefined {
  if (typeof value !== 'object' || value === null || !('alarm' in value)) return undefined;
  const v = value as Record<string, unknown>;
  return {
    alarm: typeof v['alarm'] === 'string' ? v['alarm'] : 'tampering reported',
    seq: typeof v['seq'] === 'number' && Number.isSafeInteger(v['seq']) ? v['seq'] : 0,
    timestamp: typeof v['timestamp'] === 'string' ? v['timestamp'] : '',
  };
}

function asCheckpoint(value: unknown): Checkpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v['treeSize'] !== 'number' ||
    !Number.isSafeInteger(v['treeSize']) ||
    v['treeSize'] < 1 ||
    typeof v['rootHash'] !== 'string' ||
    typeof v['timestamp'] !== 'string' ||
    typeof v['keyId'] !== 'string' ||
    typeof v['signature'] !== 'string'
  ) {
    return undefined;
  }
  return {
    treeSize: v['treeSize'],
    rootHash: v['rootHash'],
    timestamp: v['timestamp'],
    keyId: v['keyId'],
    signature: v['signature'],
  };
}
