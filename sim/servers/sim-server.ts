/**
 * @module The HTTP shell shared by every simulated source: listens on loopback, counts requests,
 * serves `/_control` (faults, stats, reset), refuses writes, and sends each answer through the
 * current fault. Plain node:http, so hangs, drips and truncations are fully under our control.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  FaultControl,
  fhirJsonHeaders,
  parseFault,
  sendWithFault,
  type Fault,
  type PreparedResponse,
} from './faults.ts';
import {
  countRequest,
  createRequestStats,
  resetRequestStats,
  type RequestStats,
} from './request-stats.ts';

/** A request as a simulated source sees it. */
export interface SimRequest {
  readonly method: string;
  /** Path without the query string, decoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The server's own base URL (`http://127.0.0.1:port`), for links and fullUrls. */
  readonly baseUrl: string;
}

/** A control route beyond the standard ones (e.g. GP Connect practice settings). */
export type ControlRoute = (method: string, body: unknown) => PreparedResponse;

export interface SimServerOptions {
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string | undefined;
  /** 0 (any free port) unless told otherwise. */
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
}

export interface SimServerDefinition<S extends RequestStats> {
  readonly stats: S;
  /** Answers a data request. Only GET and the methods in `writeMethodsAllowed` reach it. */
  readonly handle: (request: SimRequest) => PreparedResponse | Promise<PreparedResponse>;
  /** The body of a 405 (read-only source) and of the error-rate fault's 500/503. */
  readonly errorBody: (status: number, message: string) => string;
  /** Extra headers on every data answer (e.g. `cache-control: no-store`). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** `POST` paths that are reads in disguise (the GP Connect operation). */
  readonly postAllowed?: (path: string) => boolean;
  /** Extra control routes, keyed by the path after `/_control/`. */
  readonly control?: Readonly<Record<string, ControlRoute>>;
  /** Called by `POST /_control/reset` after stats and faults are cleared. */
  readonly onReset?: () => void;
}

/** A running simulated source. */
export interface RunningSimServer<S extends RequestStats = RequestStats> {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly stats: S;
  /** The fault in force; `faults.set()` changes it at runtime without HTTP. */
  readonly faults: FaultControl;
  /** Connections currently open to the server (a hung request keeps one open). */
  openConnections(): number;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/** Starts one simulated source on loopback. */
export async function startSimServer<S extends RequestStats>(
  definition: SimServerDefinition<S>,
  options: SimServerOptions = {},
): Promise<RunningSimServer<S>> {
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultControl();
  const sockets = new Set<Socket>();
  let baseUrl = '';
  let closed = false;

  const server = createServer((req, res) => {
    void serve(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A hang must stay a hang: no server-side timeouts on requests or idle sockets.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.timeout = 0;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', baseUrl);
    const path = safeDecode(url.pathname);
    const body = await readBody(req);
    if (body === undefined) {
      return reply(res, {
        status: 413,
        headers: fhirJsonHeaders(),
        body: definition.errorBody(413, 'Request too large'),
      });
    }
    if (path === '/_control' || path.startsWith('/_control/')) {
      return reply(res, control(method, path.slice('/_control/'.length), body));
    }
    countRequest(definition.stats, method, path);
    let prepared: PreparedResponse;
    if (method !== 'GET' && !(method === 'POST' && definition.postAllowed?.(path) === true)) {
      prepared = {
        status: 405,
        headers: { ...fhirJsonHeaders(), allow: 'GET' },
        body: definition.errorBody(405, `This source is read-only: ${method} is not allowed.`),
      };
    } else {
      try {
        prepared = await definition.handle({
          method,
          path,
          query: url.searchParams,
          headers: req.headers,
          body,
          baseUrl,
        });
      } catch (error) {
        console.error('simulated source failed', error);
        prepared = {
          status: 500,
          headers: fhirJsonHeaders(),
          body: definition.errorBody(500, 'Internal error'),
        };
      }
    }
    const withExtras = {
      ...prepared,
      headers: { ...definition.extraHeaders, ...prepared.headers },
    };
    await sendWithFault(res, withExtras, faults, (status) =>
      definition.errorBody(status, 'Simulated failure of the source system'),
    );
  }

  function control(method: string, route: string, rawBody: string): PreparedResponse {
    const json = (status: number, value: unknown): PreparedResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(value),
    });
    let parsed: unknown;
    try {
      parsed = rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown);
    } catch {
      return json(400, { error: 'The body is not JSON.' });
    }
    if (route === 'faults' && method === 'GET') return json(200, faults.current);
    if (route === 'faults' && method === 'PUT') {
      const result = parseFault(parsed);
      if (!result.ok) return json(400, { error: result.message });
      // Closing the listener must wait until this answer has gone out.
      setImmediate(() => {
        faults.set(result.fault);
      });
      return json(200, result.fault);
    }
    if (route === 'stats' && method === 'GET') return json(200, definition.stats);
    if (route === 'reset' && method === 'POST') {
      faults.clear();
      resetRequestStats(definition.stats);
      definition.onReset?.();
      return json(200, { reset: true });
    }
    const extra = definition.control?.[route];
    if (extra) return extra(method, parsed);
    return json(404, { error: 'Unknown control route.' });
  }

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => {
        resolve();
      });
      for (const socket of sockets) socket.destroy();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Connection refused is real: the port stops listening until the fault is cleared.
  let transition: Promise<void> = Promise.resolve();
  faults.onChange((fault) => {
    transition = transition.then(async () => {
      if (closed) return;
      if (fault.kind === 'connection-refused') await stopListening();
      else if (!server.listening) await listen(port);
    });
  });
  if (options.fault) faults.set(options.fault);
  await transition;

  return {
    url: baseUrl,
    port,
    stats: definition.stats,
    faults,
    openConnections: () => sockets.size,
    async close() {
      closed = true;
      await transition;
      await stopListening();
    },
  };
}

/** A JSON answer with the FHIR content type. */
export function fhirResponse(status: number, resource: unknown): PreparedResponse {
  return { status, headers: fhirJsonHeaders(), body: JSON.stringify(resource) };
}

/** Creates a fresh RequestStats (re-exported for servers that extend it). */
export { createRequestStats };

function reply(res: ServerResponse, prepared: PreparedResponse): Promise<void> {
  const bytes = Buffer.from(prepared.body, 'utf8');
  res.writeHead(prepared.status, { ...prepared.headers, 'content-length': String(bytes.length) });
  return new Promise((resolve) => {
    res.end(bytes, resolve);
  });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
