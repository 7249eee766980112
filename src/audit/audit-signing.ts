/**
 * @module Wires the audit trail's signing from configuration: the key (configured or demo),
 * the checkpointer on its schedule, the witness, and the proof service, started and stopped
 * together. The composition root builds one of these per app.
 */
import type { Config } from '../config/config-schema.ts';
import { ConfigError } from '../config/load-config.ts';
import type { Store } from '../store/store.ts';
import { createAuditCheckpoints, type AuditCheckpoints } from './audit-checkpoints.ts';
import type { CommittedEntry } from './audit-log.ts';
import { createAuditProofs, type AuditProofs } from './audit-proofs.ts';
import { createCheckpointSigner, loadSigningKey } from './checkpoint-signer.ts';
import { parseWitness } from './checkpoint-witness.ts';

/** The signing keys of the `audit` configuration section. */
export type AuditSigningSettings = Pick<
  Config['audit'],
  'checkpointEvery' | 'checkpointSeconds' | 'signingKeyFile' | 'witness'
>;

/** What {@link createAuditSigning} needs. */
export interface AuditSigningDeps {
  readonly store: Store;
  readonly settings: AuditSigningSettings;
  /** Where the demo key is made when no key file is configured. */
  readonly dataDir: string;
  readonly now?: () => Date;
  /** Told when a checkpoint could not be made or witnessed. */
  readonly warn?: (message: string, error: unknown) => void;
}

/**
 * Refuses settings under which tampering could hide in production: without a witness a database
 * owner can cut the trail and its checkpoints together; without the timer the unsigned tail has
 * no bound, so `mcr audit verify` cannot tell a stale tail from a recent one (docs/security.md).
 */
export function checkProductionAuditSettings(settings: AuditSigningSettings): void {
  if (parseWitness(settings.witness) === undefined) {
    throw new ConfigError(
      'audit.witness is required when NODE_ENV=production: set it to a file on storage the database administrators cannot write, or an http(s) URL that keeps each checkpoint (docs/security.md)',
    );
  }
  if (settings.checkpointSeconds <= 0) {
    throw new ConfigError(
      'audit.checkpointSeconds must be above 0 when NODE_ENV=production: the unsigned tail of the audit trail must be signed and witnessed within a bounded time (docs/security.md)',
    );
  }
}

/** Signing, checkpoints and proofs for one app. */
export interface AuditSigning {
  readonly checkpoints: AuditCheckpoints;
  readonly proofs: AuditProofs;
  /** Pass to `createAuditLog({ onAppended })`. */
  readonly onAppended: (appended: CommittedEntry) => void;
  /** Stops the timer and signs a last checkpoint; call before closing the store. */
  stop(): Promise<void>;
}

/** Loads (or makes) the key and starts the checkpoint timer. Throws if a configured key is missing. */
export function createAuditSigning(deps: AuditSigningDeps): AuditSigning {
  const signer = createCheckpointSigner(loadSigningKey(deps.settings, deps.dataDir));
  const warn = deps.warn ?? (() => undefined);
  const checkpoints = createAuditCheckpoints({
    store: deps.store,
    signer,
    schedule: deps.settings,
    witness: parseWitness(deps.settings.witness),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    onError: (error, what) => {
      warn(
        what === 'witness'
          ? 'an audit checkpoint could not be sent to the witness'
          : 'an audit checkpoint could not be signed',
        error,
      );
    },
  });
  const stopping = new AbortController();
  const proofs = createAuditProofs({
    store: deps.store,
    signal: stopping.signal,
    checkpoints,
    publicKeyPem: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  checkpoints.start();
  // A database from before tiles (or one whose tiles fell behind) gets them now, beside the appends.
  const tilesCaughtUp = proofs.catchUp().catch((error: unknown) => {
    warn("the audit trail's Merkle tiles could not be brought up to date", error);
  });
  return {
    checkpoints,
    proofs,
    onAppended: (appended) => {
      // Written by this process: the checkpoint takes its leaf from memory, not from a re-read.
      checkpoints.noteAppended(appended.seq, appended.hash, appended);
    },
    stop: async () => {
      stopping.abort();
      await tilesCaughtUp;
      await checkpoints.stop();
    },
  };
}
