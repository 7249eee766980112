/**
 * @module The audit trail's Merkle tree against the RFC 6962 reference vectors.
 *
 * Vectors: the Certificate Transparency reference tree (google/certificate-transparency
 * merkle_tree_test.cc), as republished in transparency-dev/merkle `testonly/constants.go`
 * (LeafInputs, RootHashes) and `testonly/reference_test.go` (TestRefInclusionProof,
 * TestRefConsistencyProof).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleFrontier,
  MerkleTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';

const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));
const LEAVES = LEAF_INPUTS.map(leafHash);

const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 2,
    proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'],
  },
  {
    index: 1,
    size: 2,
    proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const CONSISTENCY: { first: number; second: number; proof: string[] }[] = [
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

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
    test(`inclusion proof of leaf ${vector.index} in a tree of ${vector.size} matches and verifies`, () => {
      const leaves = LEAVES.slice(0, vector.size);
      const proof = inclusionProof(vector.index, leaves);
      assert.deepEqual(hex(proof), vector.proof);
      const leaf = LEAVES[vector.index] as Buffer;
      assert.equal(
        verifyInclusion(vector.index, vector.size, leaf, proof, root(vector.size)),
        true,
      );
      // Wrong leaf, wrong index, wrong size, a flipped bit, or a truncated proof all fail.
      const other = LEAVES[(vector.index + 1) % 8] as Buffer;
      assert.equal(
        verifyInclusion(vector.index, vector.size, other, proof, root(vector.size)),
        false,
      );
      if (vector.size > 1) {
        assert.equal(
          verifyInclusion(vector.index + 1, vector.size, leaf, proof, root(vector.size)),
          false,
        );
        for (let i = 0; i < proof.length; i += 1) {
          assert.equal(
            verifyInclusion(vector.index, vector.size, leaf, flipBit(proof, i), root(vector.size)),
            false,
          );
        }
        assert.equal(
          verifyInclusion(vector.index, vector.size, leaf, proof.slice(1), root(vector.size)),
          false,
        );
      }
      assert.equal(
        verifyInclusion(vector.size, vector.size, leaf, proof, root(vector.size)),
        false,
      );
    });
  }

  for (const vector of CONSISTENCY) {
    test(`consistency proof from ${vector.first} to ${vector.second} leaves matches and verifies`, () => {
      const leaves = LEAVES.slice(0, vector.second);
      const proof = consistencyProof(vector.first, leaves);
      assert.deepEqual(hex(proof), vector.proof);
      const [r1, r2] = [root(vector.first), root(vector.second)];
      assert.equal(
        verifyConsistency(vector.first, vector.second, r1, r2, unhex(vector.proof)),
        true,
      );
      assert.equal(
        verifyConsistency(vector.first, vector.second, r2, r1, proof),
        vector.first === vector.second && r1.equals(r2),
      );
      for (let i = 0; i < proof.length; i += 1) {
        assert.equal(
          verifyConsistency(vector.first, vector.second, r1, r2, flipBit(proof, i)),
          false,
        );
      }
      if (vector.first !== vector.second) {
        assert.equal(
          verifyConsistency(vector.first, vector.second, r1, r2, proof.slice(0, -1)),
          false,
        );
        assert.equal(verifyConsistency(vector.first, vector.second, r1, r2, []), false);
      }
    });
  }

  test('every inclusion and consistency proof of random trees verifies, and not against another tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), (size, a, b) => {
        const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
        const head = treeHead(leaves);
        const index = a % size;
        const proof = inclusionProof(index, leaves);
        assert.equal(verifyInclusion(index, size, leaves[index] as Buffer, proof, head), true);
        const m = b % (size + 1);
        const first = treeHead(leaves.slice(0, m));
        assert.equal(verifyConsistency(m, size, first, head, consistencyProof(m, leaves)), true);
        if (m > 0 && m < size) {
          const altered = [...leaves];
          altered[m - 1] = leafHash(Buffer.from('forged'));
          const forgedFirst = treeHead(altered.slice(0, m));
          assert.equal(
            verifyConsistency(m, size, forgedFirst, head, consistencyProof(m, altered)),
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
