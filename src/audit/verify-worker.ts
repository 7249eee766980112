/**
 * @module The worker thread `mcr audit verify` runs the verification in (see
 * {@link verifyAuditTrailInWorker}): opens its own connection to the store, verifies, posts the
 * verdict (or the error) back, and closes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type OpenStoreOptions } from '../store/open-store.ts';
import { verifyAuditTrail, type TrailVerdict, type TrailVerifyOptions } from './verify-trail.ts';

/** What the worker is given. */
export interface VerifyWorkerInput {
  readonly store: OpenStoreOptions;
  readonly options: Omit<TrailVerifyOptions, 'onProgress'>;
}

/** What the worker answers. */
export type VerifyWorkerOutput =
  | { readonly ok: true; readonly verdict: TrailVerdict }
  | { readonly ok: false; readonly message: string };

async function main(input: VerifyWorkerInput): Promise<VerifyWorkerOutput> {
  try {
    const store = await openStore({ ...input.store, mustExist: true });
    try {
      return { ok: true, verdict: await verifyAuditTrail(store, input.options) };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

if (parentPort !== null) {
  const port = parentPort;
  port.postMessage(await main(workerData as VerifyWorkerInput));
}
