/**
 * @module The external witness of audit checkpoints: a file that checkpoints are appended to as
 * JSON lines, or an HTTP(S) endpoint they are POSTed to. Rewriting history in the database
 * alone then shows, because the witness still holds the heads that were signed.
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

/** A witness line as written: exactly the checkpoint's fields. */
function witnessLine(checkpoint: Checkpoint): string {
  const { treeSize, rootHash, timestamp, keyId, signature } = checkpoint;
  return `${JSON.stringify({ treeSize, rootHash, timestamp, keyId, signature })}\n`;
}

/**
 * Hands a checkpoint to the witness: appends and flushes a line to the file, or POSTs the JSON
 * (any 2xx within `timeoutMs` is accepted). Throws when the witness did not take it.
 */
export async function sendToWitness(
  target: WitnessTarget,
  checkpoint: Checkpoint,
  timeoutMs = 5000,
): Promise<void> {
  if (target.kind === 'file') {
    const file = await open(target.path, 'a', 0o600);
    try {
      await file.write(witnessLine(checkpoint));
      await file.datasync();
    } finally {
      await file.close();
    }
    return;
  }
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: witnessLine(checkpoint),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`The witness answered HTTP ${response.status}`);
}

/** One line of a witness file, read back. */
export type WitnessEntry =
  | { readonly line: number; readonly ok: true; readonly checkpoint: Checkpoint }
  | { readonly line: number; readonly ok: false; readonly message: string };

/** Reads every checkpoint in a witness file (empty when the file does not exist yet). */
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
      entries.push({ line, ok: false, message: `witness line ${line} is not JSON` });
      return;
    }
    const checkpoint = asCheckpoint(value);
    entries.push(
      checkpoint === undefined
        ? { line, ok: false, message: `witness line ${line} is not a checkpoint` }
        : { line, ok: true, checkpoint },
    );
  });
  return entries;
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
