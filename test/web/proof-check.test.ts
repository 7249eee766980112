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
import { inclusionProof, leafHash as serverLeafHash } from '../../src/audit/merkle.ts';
import { MerkleTree } from '../support/merkle-tree.ts';
import type { EntryProof as EntryProofJson } from '../../src/api/audit.ts';
import { checkEntryProof, checkpointMessage } from '../../src/web/proof-check.ts';
import {
  fromHex,
  leafHash,
  rootFromInclusionProof,
  toHex,
  treeHead,
  verifyInclusion,
} from '../../src/shared/merkle-proof.ts';
import { RFC6962 } from '../support/rfc6962-vectors.ts';

// The Certificate Transparency reference tree: the file test/audit/merkle.test.ts reads too.
const LEAF_INPUTS = RFC6962.leafInputs.map((hex) => Buffer.from(hex, 'hex'));
const ROOTS = RFC6962.roots;
const INCLUSION = RFC6962.inclusion;

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
