/**
 * @module The browser's check of an audit entry's inclusion proof (Web Crypto) gives the same
 * hashes, roots and verdicts as the server's Merkle tree, on the RFC 6962 reference vectors
 * and on a real signed checkpoint.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { entryLeafHash } from '../../src/audit/audit-checkpoints.ts';
import {
  checkpointMessage as serverMessage,
  createCheckpointSigner,
} from '../../src/audit/checkpoint-signer.ts';
import { MerkleTree, inclusionProof, leafHash as serverLeafHash } from '../../src/audit/merkle.ts';
import type { EntryProofJson } from '../../src/web/oversight-types.ts';
import {
  checkEntryProof,
  checkpointMessage,
  fromHex,
  leafHash,
  rootFromInclusionProof,
  toHex,
  treeHead,
  verifyInclusion,
} from '../../src/web/proof-check.ts';

// The Certificate Transparency reference tree, as in test/audit/merkle.test.ts.
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

const bytes = (hex: string): Uint8Array => fromHex(hex) ?? assert.fail(`not hex: ${hex}`);

describe('the browser’s Merkle proof check (RFC 6962 reference vectors)', () => {
  test('leaf hashes and tree heads of every size match the reference roots and the server', async () => {
    const leaves = await Promise.all(LEAF_INPUTS.map((input) => leafHash(input)));
    assert.deepEqual(
      leaves.map(toHex),
      LEAF_INPUTS.map((input) => serverLeafHash(input).toString('hex')),
    );
    for (let size = 0; size <= 8; size += 1) {
      assert.equal(toHex(await treeHead(leaves.slice(0, size))), ROOTS[size], `tree of ${size}`);
    }
  });

  for (const vector of INCLUSION) {
    test(`the path of leaf ${vector.index} in a tree of ${vector.size} leads to the reference root, and a wrong one does not`, async () => {
      const leaf = await leafHash(LEAF_INPUTS[vector.index] as Buffer);
      const proof = vector.proof.map(bytes);
      const root = bytes(ROOTS[vector.size] as string);
      const computed = await rootFromInclusionProof(vector.index, vector.size, leaf, proof);
      assert.equal(computed && toHex(computed), ROOTS[vector.size]);
      assert.equal(await verifyInclusion(vector.index, vector.size, leaf, proof, root), true);
      const other = await leafHash(LEAF_INPUTS[(vector.index + 1) % 8] as Buffer);
      assert.equal(await verifyInclusion(vector.index, vector.size, other, proof, root), false);
      assert.equal(await verifyInclusion(vector.size, vector.size, leaf, proof, root), false);
      if (proof.length > 0) {
        const flipped = proof.map((p, i) =>
          i === proof.length - 1 ? p.map((b, j) => (j === 0 ? b ^ 1 : b)) : p,
        );
        assert.equal(await verifyInclusion(vector.index, vector.size, leaf, flipped, root), false);
        assert.equal(
          await verifyInclusion(vector.index, vector.size, leaf, proof.slice(1), root),
          false,
        );
      }
    });
  }

  test('every path the server builds in trees up to 33 leaves verifies in the browser', async () => {
    const leaves = Array.from({ length: 33 }, (_, i) => serverLeafHash(Buffer.from(`entry ${i}`)));
    for (let size = 1; size <= leaves.length; size += 1) {
      const root = await treeHead(leaves.slice(0, size));
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProof(index, leaves.slice(0, size));
        assert.equal(
          await verifyInclusion(index, size, leaves[index] as Buffer, proof, root),
          true,
          `leaf ${index} of ${size}`,
        );
      }
    }
  });
});

describe('the browser’s check of an audit entry against its signed checkpoint', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = createCheckpointSigner(privateKey);
  const entries = Array.from({ length: 11 }, (_, i) =>
    JSON.stringify({
      event: { action: 'sign-in', note: 'é' },
      recordedAt: '2026-01-01T00:00:00.000Z',
      seq: i + 1,
      v: 1,
    }),
  );
  const tree = MerkleTree.of(entries.map(entryLeafHash));
  const checkpoint = signer.sign({
    treeSize: tree.size,
    rootHash: tree.head().toString('hex'),
    timestamp: '2026-01-01T00:00:01.000Z',
  });
  const proofFor = (seq: number): EntryProofJson => ({
    seq,
    leafIndex: seq - 1,
    entry: entries[seq - 1] as string,
    leafHash: entryLeafHash(entries[seq - 1] as string).toString('hex'),
    proof: tree.inclusionProof(seq - 1).map((p) => p.toString('hex')),
    checkpoint,
    verified: true,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });

  test('the signed statement is byte for byte the one the server signs', () => {
    assert.deepEqual(Buffer.from(checkpointMessage(checkpoint)), serverMessage(checkpoint));
  });

  test('a genuine entry is included and its checkpoint’s signature is valid', async () => {
    for (const seq of [1, 6, 11]) {
      const check = await checkEntryProof(proofFor(seq), seq);
      assert.equal(check.included, true, check.problem);
      assert.equal(check.signature, 'valid');
      assert.equal(check.treeSize, 11);
      assert.equal(check.computedRoot, checkpoint.rootHash);
    }
  });

  test('an edited entry, a changed path, a proof for another entry and a forged signature are each caught', async () => {
    const edited = { ...proofFor(4), entry: (entries[3] as string).replace('sign-in', 'sign-out') };
    assert.match((await checkEntryProof(edited, 4)).problem ?? '', /does not hash/);
    const honestLeaf = { ...edited, leafHash: entryLeafHash(edited.entry).toString('hex') };
    assert.match((await checkEntryProof(honestLeaf, 4)).problem ?? '', /root hash/);
    assert.match((await checkEntryProof(proofFor(5), 4)).problem ?? '', /another entry/);
    const short = { ...proofFor(4), proof: proofFor(4).proof.slice(1) };
    assert.equal((await checkEntryProof(short, 4)).included, false);
    const forged = {
      ...proofFor(4),
      checkpoint: { ...checkpoint, timestamp: '2026-01-02T00:00:00.000Z' },
    };
    const forgedCheck = await checkEntryProof(forged, 4);
    assert.equal(forgedCheck.included, true, 'the path still leads to the root');
    assert.equal(forgedCheck.signature, 'bad-signature');
    const otherKey = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    assert.equal(
      (await checkEntryProof({ ...proofFor(4), publicKey: otherKey }, 4)).signature,
      'wrong-key',
    );
  });
});
