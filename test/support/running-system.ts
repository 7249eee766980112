/**
 * @module The whole system started for real in a test: the simulated sources on loopback, the
 * server on port 0 over SQLite (or a given store), logs captured, and an API client with a cookie jar.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App, type AppDeps } from '../../src/app.ts';
import type { Role } from '../../src/shared/roles.ts';
import type { Config } from '../../src/config/config-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Store } from '../../src/store/store.ts';
import { startSims, type RunningSims, type StartSimsOptions } from '../../sim/start-sims.ts';

export interface RunningSystem {
  readonly sims: RunningSims;
  readonly app: App;
  readonly url: string;
  readonly config: Config;
  readonly dataDir: string;
  /** Every log line the server wrote. */
  readonly logs: string[];
  /** Creates an account and returns its sign-in. */
  createUser(role: Role, organisation?: string): Promise<{ username: string; password: string }>;
  /** A new API client (its own cookie jar), not yet signed in. */
  client(): ApiClient;
  close(): Promise<void>;
}

export interface StartSystemOptions {
  readonly sims?: StartSimsOptions;
  readonly store?: Store;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly webRoot?: string;
  readonly observeRoute?: AppDeps['observeRoute'];
  /** Sources configured after the simulators' own (e.g. a test's own loopback FHIR server). */
  readonly extraSources?: readonly Readonly<Record<string, unknown>>[];
}

let userCounter = 0;

export async function startSystem(options: StartSystemOptions = {}): Promise<RunningSystem> {
  const sims = await startSims({ size: 60, ...options.sims });
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-system-'));
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const config = loadConfig({
    base: {
      demographics: { url: sims.demographicsUrl },
      sources: [...sims.sourcesConfig(), ...(options.extraSources ?? [])],
      // The region's SDS and patient index (nothing for the default sims).
      ...sims.discoveryConfig(),
      dataDir,
      server: { port: 0 },
      logging: { level: 'info' },
      ...options.config,
    },
    env: {},
  });
  const app = await buildApp(config, {
    logDestination,
    store: options.store,
    webRoot: options.webRoot,
    observeRoute: options.observeRoute,
  });
  const address = await app.server.listen({ host: '127.0.0.1', port: 0 });

  return {
    sims,
    app,
    url: address,
    config,
    dataDir,
    logs,
    async createUser(role, organisation) {
      userCounter += 1;
      const username = `${role}-${process.pid}-${userCounter}`;
      const password = `correct horse battery ${userCounter}`;
      await app.services.accounts.add({
        username,
        displayName: `Test ${role}`,
        role,
        organisation: organisation ?? (role === 'gp' ? 'A81001' : 'RX1'),
        password,
      });
      return { username, password };
    },
    client() {
      return new ApiClient(address);
    },
    async close() {
      await app.close();
      await sims.close();
    },
  };
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** A minimal API client: keeps the session cookie, sends the CSRF token on writes. */
export class ApiClient {
  readonly baseUrl: string;
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async signIn(username: string, password: string): Promise<ApiResponse> {
    const response = await this.request('POST', '/api/session', { username, password });
    if (response.status === 200)
      this.csrfToken = (response.body as { csrfToken: string }).csrfToken;
    return response;
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<ApiResponse> {
    return this.request('POST', path, body);
  }

  delete(path: string): Promise<ApiResponse> {
    return this.request('DELETE', path);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (this.cookie !== undefined) headers['cookie'] = this.cookie;
    if (
      method !== 'GET' &&
      this.csrfToken !== undefined &&
      extraHeaders['x-csrf-token'] === undefined
    ) {
      headers['x-csrf-token'] = this.csrfToken;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    for (const cookie of setCookie) {
      const [pair] = cookie.split(';');
      if (pair !== undefined) this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // Not JSON (an HTML page, say): the text is still there.
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
}

/** The stable error code of an OperationOutcome body. */
export function outcomeCode(body: unknown): string | undefined {
  const outcome = body as { issue?: { details?: { coding?: { code?: string }[] } }[] } | undefined;
  return outcome?.issue?.[0]?.details?.coding?.[0]?.code;
}
