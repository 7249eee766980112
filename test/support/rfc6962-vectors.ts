/**
 * @module The RFC 6962 reference vectors (test/support/rfc6962-vectors.json), read once, for
 * the server's Merkle tree tests and the browser's proof-check tests alike.
 */
import { readFileSync } from 'node:fs';

/** The vectors as the file holds them (all hex). */
export interface Rfc6962Vectors {
  readonly source: string;
  readonly leafInputs: readonly string[];
  /** roots[n]: the tree head of the first n leaves. */
  readonly roots: readonly string[];
  readonly inclusion: readonly {
    readonly index: number;
    readonly size: number;
    readonly proof: readonly string[];
  }[];
  readonly consistency: readonly {
    readonly first: number;
    readonly second: number;
    readonly proof: readonly string[];
  }[];
}

export const RFC6962: Rfc6962Vectors = JSON.parse(
  readFileSync(new URL('./rfc6962-vectors.json', import.meta.url), 'utf8'),
) as Rfc6962Vectors;
