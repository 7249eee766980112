/**
 * @module The audit trail's Merkle tree against the RFC 6962 reference vectors.
 *
 * Vectors: test/support/rfc6962-vectors.json (the Certificate Transparency reference tree), the
 * same file the browser's proof check is tested on. Proofs are built here (src/audit/merkle.ts)
 * and checked with the checks the server and browser share (src/shared/merkle-proof.ts).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  leafHashOfText,
  treeHead,
} from '../../src/audit/merkle.ts';
import { verifyConsistency, verifyInclusion } from '../../src/shared/merkle-proof.ts';
import { MerkleTree } from '../support/merkle-tree.ts';
import { RFC6962 } from '../support/rfc6962-vectors.ts';

const LEAF_INPUTS = RFC6962.leafInputs.map((hex) => Buffer.from(hex, 'hex'));
const LEAVES = LEAF_INPUTS.map(leafHash);
const ROOTS = RFC6962.roots;
const INCLUSION = RFC6962.inclusion;
const CONSISTENCY = RFC6962.consistency;

const hex = (values: readonly Uint8Array[]): string[] =>
  values.map((v) => Buffer.from(v).toString('hex'));
const unhex = (values: readonly string[]): Buffer[] => values.map((v) => Buffer.from(v, 'hex'));
const root = (size: number): Buffer => Buffer.from(ROOTS[size] as string, 'hex');

function flipBit(values: readonly Buffer[], which: number): Buffer[] {
  return values.map((v, i) => {
    if (i !== which) return v;
    const copy = Buffer.from(v);
    copy[0] = (copy[0] as number) ^ 0x10;
    return copy;
  });
}

describe('Merkle tree (RFC 6962 reference vectors)', () => {
  test('the tree head of the first n reference leaves is the published root, for n = 0..8', () => {
    for (let n = 0; n <= 8; n += 1) {
      assert.equal(treeHead(LEAVES.slice(0, n)).toString('hex'), ROOTS[n], `size ${n}`);
    }
    assert.equal(EMPTY_ROOT.toString('hex'), ROOTS[0]);
  });

  test('the frontier built leaf by leaf gives the same heads as the whole-list tree', () => {
    const frontier = new MerkleFrontier();
    assert.equal(frontier.head().toString('hex'), ROOTS[0]);
    for (let n = 1; n <= 8; n += 1) {
      frontier.append(LEAVES[n - 1] as Buffer);
      assert.equal(frontier.head().toString('hex'), ROOTS[n], `size ${n}`);
      const resumed = MerkleFrontier.resume(frontier.size, frontier.nodes);
      assert.equal(resumed.head().toString('hex'), ROOTS[n]);
    }
  });

  for (const vector of INCLUSION) {
    test(`inclusion proof of leaf ${vector.index} in a tree of ${vector.size} matches and verifies`, async () => {
      const leaves = LEAVES.slice(0, vector.size);
      const proof = inclusionProof(vector.index, leaves);
      assert.deepEqual(hex(proof), vector.proof);
      const leaf = LEAVES[vector.index] as Buffer;
      assert.equal(
        await verifyInclusion(vector.index, vector.size, leaf, proof, root(vector.size)),
        true,
      );
      // Wrong leaf, wrong index, wrong size, a flipped bit, or a truncated proof all fail.
      const other = LEAVES[(vector.index + 1) % 8] as Buffer;
      assert.equal(
        await verifyInclusion(vector.index, vector.size, other, proof, root(vector.size)),
        false,
      );
      if (vector.size > 1) {
        assert.equal(
          await verifyInclusion(vector.index + 1, vector.size, leaf, proof, root(vector.size)),
          false,
        );
        for (let i = 0; i < proof.length; i += 1) {
          assert.equal(
            await verifyInclusion(
              vector.index,
              vector.size,
              leaf,
              flipBit(proof, i),
              root(vector.size),
            ),
            false,
          );
        }
        assert.equal(
          await verifyInclusion(vector.index, vector.size, leaf, proof.slice(1), root(vector.size)),
          false,
        );
      }
      assert.equal(
        await verifyInclusion(vector.size, vector.size, leaf, proof, root(vector.size)),
        false,
      );
    });
  }

  for (const vector of CONSISTENCY) {
    test(`consistency proof from ${vector.first} to ${vector.second} leaves matches and verifies`, async () => {
      const leaves = LEAVES.slice(0, vector.second);
      const proof = consistencyProof(vector.first, leaves);
      assert.deepEqual(hex(proof), vector.proof);
      const [r1, r2] = [root(vector.first), root(vector.second)];
      assert.equal(
        await verifyConsistency(vector.first, vector.second, r1, r2, unhex(vector.proof)),
        true,
      );
      assert.equal(
        await verifyConsistency(vector.first, vector.second, r2, r1, proof),
        vector.first === vector.second && r1.equals(r2),
      );
      for (let i = 0; i < proof.length; i += 1) {
        assert.equal(
          await verifyConsistency(vector.first, vector.second, r1, r2, flipBit(proof, i)),
          false,
        );
      }
      if (vector.first !== vector.second) {
        assert.equal(
          await verifyConsistency(vector.first, vector.second, r1, r2, proof.slice(0, -1)),
          false,
        );
        assert.equal(await verifyConsistency(vector.first, vector.second, r1, r2, []), false);
      }
    });
  }

  test('every inclusion and consistency proof of random trees verifies, and not against another tree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), async (size, a, b) => {
        const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
        const head = treeHead(leaves);
        const index = a % size;
        const proof = inclusionProof(index, leaves);
        assert.equal(
          await verifyInclusion(index, size, leaves[index] as Buffer, proof, head),
          true,
        );
        const m = b % (size + 1);
        const first = treeHead(leaves.slice(0, m));
        assert.equal(
          await verifyConsistency(m, size, first, head, consistencyProof(m, leaves)),
          true,
        );
        if (m > 0 && m < size) {
          const altered = [...leaves];
          altered[m - 1] = leafHash(Buffer.from('forged'));
          const forgedFirst = treeHead(altered.slice(0, m));
          assert.equal(
            await verifyConsistency(m, size, forgedFirst, head, consistencyProof(m, altered)),
            false,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Merkle tree kept in memory', () => {
  test('gives the same heads and proofs as the reference functions, for every size and index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), (total) => {
        const leaves = Array.from({ length: total }, (_, i) => leafHash(Buffer.from(`e${i}`)));
        const tree = MerkleTree.of(leaves);
        for (let size = 0; size <= total; size += 1) {
          const prefix = leaves.slice(0, size);
          assert.deepEqual(tree.head(size), treeHead(prefix));
          for (let i = 0; i < size; i += 1) {
            assert.deepEqual(tree.inclusionProof(i, size), inclusionProof(i, prefix));
          }
          for (let m = 0; m <= size; m += 1) {
            assert.deepEqual(tree.consistencyProof(m, size), consistencyProof(m, prefix));
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  test('reproduces the reference vectors', () => {
    const tree = MerkleTree.of(LEAVES);
    assert.equal(tree.head(5).toString('hex'), ROOTS[5]);
    assert.deepEqual(hex(tree.inclusionProof(5, 8)), INCLUSION[6]?.proof);
    assert.deepEqual(hex(tree.consistencyProof(6, 8)), CONSISTENCY[3]?.proof);
  });
});

void test("an entry's leaf hash from its text is the RFC 6962 leaf hash of its UTF-8 bytes", () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      assert.deepEqual(leafHashOfText(text), leafHash(Buffer.from(text, 'utf8')));
    }),
  );
  assert.equal(leafHashOfText('').toString('hex'), leafHash(new Uint8Array()).toString('hex'));
});
