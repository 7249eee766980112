/**
 * @module `mcr audit verify`: re-checks the whole audit trail (hash chain, Merkle tree heads,
 * checkpoint signatures, witness) in one streaming pass in bounded memory, and names the first
 * bad entry or checkpoint.
 */
import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { loadPublicKey, signingKeyPath, trustedKeys } from '../../audit/checkpoint-signer.ts';
import { parseWitness } from '../../audit/checkpoint-witness.ts';
import {
  AUDIT_VERIFY_EXIT,
  runAuditVerify,
  verifyAuditTrailInWorker,
} from '../../audit/verify-command.ts';
import { UNSIGNED_GRACE_SECONDS } from '../../audit/verify-trail.ts';
import { defineCommand } from '../command.ts';
import { storeOptions } from '../../store/open-store.ts';
import { configForCommand, storeForCommand } from './command-options.ts';

export const auditVerifyCommand = defineCommand({
  path: ['audit', 'verify'],
  summary: 'Verify the audit trail: chain, signed checkpoints, witness; names the first bad entry.',
  usage:
    'Usage: mcr audit verify [--config FILE] [--public-key PEM]... [--witness FILE]\n\n' +
    'Checks signatures with each --public-key, else with the configured (or demo) signing key.\n' +
    'Compares with --witness FILE, else with audit.witness when it is a file (required under\n' +
    'NODE_ENV=production; for a URL witness, pass a copy of what it holds).\n' +
    'Entries unsigned for longer than audit.checkpointSeconds + 60 s are reported as tampering.\n\n' +
    'Exit codes: 0 intact, 1 tampered, 2 unreadable.',
  options: {
    config: { type: 'string' },
    'public-key': { type: 'string', multiple: true },
    witness: { type: 'string' },
  },
  async run(values, io) {
    const config = configForCommand(values.config, io);
    const keys: KeyObject[] = [];
    for (const file of values['public-key'] ?? []) keys.push(loadPublicKey(file));
    if (keys.length === 0) {
      const own = signingKeyPath(config.audit, config.dataDir);
      if (existsSync(own)) keys.push(loadPublicKey(own));
    }
    const witness = parseWitness(values.witness ?? config.audit.witness);
    if (io.env['NODE_ENV'] === 'production' && witness?.kind !== 'file') {
      io.stderr(
        'mcr audit verify: under NODE_ENV=production the witness is required: pass --witness FILE (a copy of what the audit.witness endpoint holds), or set audit.witness to the file',
      );
      return AUDIT_VERIFY_EXIT.unreadable;
    }
    const { checkpointSeconds } = config.audit;
    const store = await storeForCommand(config, { readOnly: true });
    try {
      const options = {
        trustedKeys: keys.length === 0 ? undefined : trustedKeys(keys),
        witnessFile: witness?.kind === 'file' ? witness.path : undefined,
        maxUnsignedSeconds:
          checkpointSeconds > 0 ? checkpointSeconds + UNSIGNED_GRACE_SECONDS : undefined,
      };
      // The rows are read and checked in a worker with a bounded heap, on its own connection.
      return await runAuditVerify(store, io.stdout, {
        verify: () => verifyAuditTrailInWorker(storeOptions(config), options),
      });
    } finally {
      await store.close();
    }
  },
});
