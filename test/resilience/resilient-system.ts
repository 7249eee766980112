/**
 * @module The whole system for the resilience tests: the real sims and server, with every source's
 * deadline, breaker and bulkhead set by the test (startSystem keeps the sims' own settings), and a
 * clinician already signed in with permission to view one patient.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import assert from 'node:assert/strict';
import type { Role } from '../../src/shared/roles.ts';
import { buildApp, type App } from '../../src/app.ts';
import type { SourceConfig } from '../../src/config/config-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { startSims, type RunningSims, type StartSimsOptions } from '../../sim/start-sims.ts';
import { ApiClient } from '../support/running-system.ts';

/** A patient with records at a GP practice, the hospital and more. */
export const PATIENT =
  PERSONAS.find((persona) => persona.key === 'discharge-medicines-differ')?.nhsNumber ?? '';

export interface ResilientSystem {
  readonly sims: RunningSims;
  readonly app: App;
  readonly url: string;
  /** A hospital clinician, signed in, with a live permission for {@link PATIENT}. */
  readonly clinician: ApiClient;
  /** A new account with this role, signed in. */
  signedIn(role: Role): Promise<ApiClient>;
  close(): Promise<void>;
}

export interface SourceRecordBody {
  sources: {
    id: string;
    status: string;
    message: string;
    elapsedMs: number;
    counts: Record<string, number>;
  }[];
  sections: Record<string, { source: { sourceId: string } }[]>;
}

let counter = 0;

export async function startResilientSystem(options: {
  /** Applied to every source's configuration. */
  readonly source?: Partial<SourceConfig>;
  /** Applied to one source's configuration, by id, after `source`. */
  readonly perSource?: Readonly<Record<string, Partial<SourceConfig>>>;
  readonly sims?: StartSimsOptions;
}): Promise<ResilientSystem> {
  const sims = await startSims({ size: 60, ...options.sims });
  try {
    const config = loadConfig({
      base: {
        demographics: { url: sims.demographicsUrl },
        sources: sims.sourcesConfig().map((source) => ({
          ...source,
          ...options.source,
          ...options.perSource?.[source.id],
        })),
        dataDir: mkdtempSync(join(tmpdir(), 'mcr-resilience-')),
        server: { port: 0 },
        logging: { level: 'warn' },
      },
      env: {},
    });
    const app = await buildApp(config, {
      logDestination: new Writable({
        write: (_chunk, _encoding, callback) => {
          callback();
        },
      }),
    });
    const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
    const signedIn = async (role: Role): Promise<ApiClient> => {
      counter += 1;
      const username = `resilience-${process.pid}-${counter}`;
      const password = `correct horse battery ${counter}`;
      await app.services.accounts.add({
        username,
        displayName: 'Dr Test Resilience',
        role,
        organisation: 'RX1',
        password,
      });
      const client = new ApiClient(url);
      assert.equal((await client.signIn(username, password)).status, 200);
      return client;
    };
    const clinician = await signedIn('hospital-clinician');
    const granted = await clinician.post(`/api/patients/${PATIENT}/permissions`, {
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
    });
    assert.equal(granted.status, 201, granted.text);
    return {
      sims,
      app,
      url,
      clinician,
      signedIn,
      async close() {
        await app.close();
        await sims.close();
      },
    };
  } catch (error) {
    await sims.close();
    throw error;
  }
}

/** One record view, timed. */
export async function viewRecord(
  client: ApiClient,
): Promise<{ status: number; body: SourceRecordBody; ms: number; text: string }> {
  const started = performance.now();
  const response = await client.get(`/api/patients/${PATIENT}/record`);
  return {
    status: response.status,
    body: response.body as SourceRecordBody,
    ms: performance.now() - started,
    text: response.text,
  };
}
