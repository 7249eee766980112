/**
 * @module The tiled Merkle tree gives the very heads and proofs of the whole in-memory tree
 * (test/support/merkle-tree.ts, the reference here), at any size and from a few tiles only: RFC 6962
 * vectors, then random sizes up to a few thousand leaves, and across a level-2 tile.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { leafHash } from '../../src/audit/merkle.ts';
import {
  TILE_WIDTH,
  TileEdge,
  TilesIncomplete,
  tileConsistencyProof,
  tileId,
  tileInclusionProof,
  tileLeaf,
  tileTreeHead,
  type Tile,
  type TileKey,
  type TileReader,
} from '../../src/audit/merkle-tiles.ts';
import { verifyConsistency, verifyInclusion } from '../../src/shared/merkle-proof.ts';
import { MerkleTree } from '../support/merkle-tree.ts';
import { RFC6962 } from '../support/rfc6962-vectors.ts';

const hex = (values: readonly Uint8Array[]): string[] =>
  values.map((v) => Buffer.from(v).toString('hex'));

/** Leaf hashes of n made-up entries. */
function leaves(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i + 1}`)));
}

/** Tiles as a store would hold them after appending `leaves` in batches, and a reader that counts. */
function tiled(all: readonly Buffer[], batch = 37) {
  const stored = new Map<string, Tile>();
  const edge = new TileEdge();
  for (let i = 0; i < all.length; i += 1) {
    edge.append(all[i] as Buffer);
    if ((i + 1) % batch === 0 || i + 1 === all.length) {
      for (const tile of edge.takeChanged()) stored.set(tileId(tile), tile);
    }
  }
  const asked: TileKey[][] = [];
  const read: TileReader = (keys) => {
    asked.push([...keys]);
    const found = new Map<string, Tile>();
    for (const key of keys) {
      const tile = stored.get(tileId(key));
      if (tile !== undefined) found.set(tileId(key), tile);
    }
    return Promise.resolve(found);
  };
  return { stored, edge, read, asked };
}

describe('Merkle tiles', () => {
  test('the tiled tree gives the RFC 6962 reference roots and proofs', async () => {
    const refLeaves = RFC6962.leafInputs.map((h) => leafHash(Buffer.from(h, 'hex')));
    const { read } = tiled(refLeaves, 3);
    for (let n = 0; n <= 8; n += 1) {
      assert.equal((await tileTreeHead(read, n)).toString('hex'), RFC6962.roots[n], `size ${n}`);
    }
    for (const vector of RFC6962.inclusion) {
      assert.deepEqual(
        hex(await tileInclusionProof(read, vector.index, vector.size)),
        vector.proof,
        `leaf ${vector.index} of ${vector.size}`,
      );
    }
    for (const vector of RFC6962.consistency) {
      assert.deepEqual(
        hex(await tileConsistencyProof(read, vector.first, vector.second)),
        vector.proof,
        `${vector.first} → ${vector.second}`,
      );
    }
  });

  test('for random sizes up to a few thousand, tile proofs equal the whole tree’s, and verify', async () => {
    const all = leaves(3000);
    const reference = MerkleTree.of(all);
    const { read, edge } = tiled(all);
    assert.equal(edge.head().toString('hex'), reference.head().toString('hex'));
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((size) =>
            fc.tuple(
              fc.constant(size),
              fc.integer({ min: 0, max: size - 1 }),
              fc.integer({ min: 0, max: size }),
            ),
          ),
        async ([size, index, m]) => {
          const root = await tileTreeHead(read, size);
          assert.deepEqual(root, reference.head(size));
          assert.deepEqual(await tileLeaf(read, index), reference.leaf(index));
          const path = await tileInclusionProof(read, index, size);
          assert.deepEqual(path, reference.inclusionProof(index, size));
          assert.ok(await verifyInclusion(index, size, all[index] as Buffer, path, root));
          const consistency = await tileConsistencyProof(read, m, size);
          assert.deepEqual(consistency, reference.consistencyProof(m, size));
          if (m > 0) {
            assert.ok(await verifyConsistency(m, size, reference.head(m), root, consistency));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the edge built leaf by leaf has the whole tree’s head at every size, and resumes', () => {
    const all = leaves(600);
    const reference = MerkleTree.of(all);
    const edge = new TileEdge();
    for (let n = 1; n <= all.length; n += 1) {
      edge.append(all[n - 1] as Buffer);
      assert.deepEqual(edge.head(), reference.head(n), `size ${n}`);
    }
    const resumed = TileEdge.resume(
      edge.size,
      edge.partialTiles().map((t) => t.hashes),
    );
    assert.deepEqual(resumed.head(), edge.head());
    assert.throws(() => TileEdge.resume(601, [[]]), RangeError);
  });

  test('a proof in a tree past 65,536 entries reads at most two tiles per level, in one read', async () => {
    const all = leaves(70_001);
    const reference = MerkleTree.of(all);
    const { read, asked, stored } = tiled(all, 500);
    assert.ok(stored.has('2/0'), 'a level-2 tile exists');
    for (const index of [0, 255, 256, 65_535, 65_536, 69_999, 70_000]) {
      asked.length = 0;
      const path = await tileInclusionProof(read, index, 70_001);
      assert.deepEqual(path, reference.inclusionProof(index, 70_001));
      assert.equal(asked.length, 1, 'one read');
      assert.ok((asked[0]?.length ?? 0) <= 6, `${asked[0]?.length} tiles for leaf ${index}`);
    }
    const full = stored.get('0/0');
    assert.equal(full?.hashes.length, TILE_WIDTH);
  });

  test('a proof that needs a tile the store does not hold says so', async () => {
    const { stored, read } = tiled(leaves(1000));
    stored.delete('0/1');
    await assert.rejects(tileInclusionProof(read, 300, 1000), TilesIncomplete);
    // Leaves elsewhere still prove (their path needs only tile 0/1's head, at level 1).
    const path = await tileInclusionProof(read, 700, 1000);
    assert.equal(path.length, 10);
  });
});
