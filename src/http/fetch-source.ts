/** @module The guarded HTTP call to a source: one deadline, a streaming size cap, a content-type check, JSON parsing; never throws. */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Agent, Client, type Dispatcher } from 'undici';
import type {
  ByteBudget,
  SourceHttpFailure,
  SourceHttpFailureKind,
  SourceHttpOutcome,
  SourceHttpRequest,
  SourceTlsMaterial,
} from './http-outcome.ts';
import { startDeadline } from './deadline.ts';
import type { SourceTls } from './tls-options.ts';

/** Strict UTF-8 (a malformed byte fails the answer); one decoder, since each decode is whole. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Connection options shared by every pool. The call's own deadline is the only clock on a call:
 * undici's header and body timeouts are off, and its connect timeout is the longest deadline the
 * configuration allows (60 s), so it only bounds how long an abandoned connect attempt lingers.
 */
const CONNECT_TIMEOUT_MS = 60_000;
const POOL_OPTIONS = {
  keepAliveTimeout: 4_000,
  headersTimeout: 0,
  bodyTimeout: 0,
} as const;

/**
 * Keep-alive pools (undici, HTTP/1.1): one for sources without client certificates, one per TLS
 * material (a connector reads its files once, so the material is one object for its life).
 * undici's dispatcher costs a third of `node:http`'s CPU per call (issue #15's profile).
 */
const plainAgent = new Agent({ ...POOL_OPTIONS, connect: { timeout: CONNECT_TIMEOUT_MS } });
const tlsAgents = new WeakMap<SourceTlsMaterial, Agent>();

function agentFor(tls: SourceTlsMaterial | undefined): Agent {
  if (tls === undefined) return plainAgent;
  let agent = tlsAgents.get(tls);
  if (agent === undefined) {
    agent = new Agent({ ...POOL_OPTIONS, connect: connectOptions(tls) });
    tlsAgents.set(tls, agent);
  }
  return agent;
}

function connectOptions(tls: SourceTlsMaterial | undefined) {
  return { timeout: CONNECT_TIMEOUT_MS, ...tlsOptions(tls) };
}

/**
 * Calls a source under one deadline covering connect, headers and the whole body, counting
 * bytes while they stream (never buffering more than the cap), checking the media type before
 * reading the body, and parsing JSON. Returns a value for every outcome; never throws.
 */
export function fetchSource(request: SourceHttpRequest): Promise<SourceHttpOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const fail = (
    kind: SourceHttpFailureKind,
    message: string,
    status?: number,
  ): SourceHttpFailure => ({
    kind,
    message,
    elapsedMs: elapsed(),
    ...(status === undefined ? {} : { status }),
  });

  if (request.signal?.aborted) {
    return Promise.resolve(
      fail('aborted', 'The request was cancelled before the source was asked.'),
    );
  }
  if (!(request.timeoutMs > 0)) {
    return Promise.resolve(fail('timed-out', 'No time was left to ask the source.'));
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(fail('network-error', 'The source address is not a valid web address.'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve(
      fail('network-error', 'The source address must start with http:// or https://.'),
    );
  }

  return new Promise<SourceHttpOutcome>((resolve) => {
    const deadline = startDeadline(request.timeoutMs, request.signal);
    const { signal } = deadline;
    const accepted = request.acceptContentTypes;
    // A fresh connection is a client of its own, closed when the call ends.
    const fresh =
      request.freshConnection === true
        ? new Client(url.origin, { ...POOL_OPTIONS, connect: connectOptions(request.tls) })
        : undefined;
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let status: number | undefined;

    const settle = (outcome: SourceHttpOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      deadline.dispose();
      if (outcome.kind !== 'response') {
        // Stops the transfer and closes its connection (a half-read answer is never pooled).
        controller?.abort(new Error(outcome.kind));
        fresh?.destroy().catch(ignore);
      } else {
        fresh?.close().catch(ignore);
      }
      resolve(outcome);
    };
    const tooLarge = (limit: number): void => {
      settle(
        fail(
          'too-large',
          `The source's answer was larger than the ${formatBytes(limit)} limit.`,
          status,
        ),
      );
    };
    function onAbort(): void {
      if (deadline.expired) {
        settle(
          fail(
            'timed-out',
            `The source did not answer within ${formatSeconds(request.timeoutMs)}.`,
            status,
          ),
        );
      } else {
        settle(
          fail(
            'aborted',
            'The request was cancelled before the source finished answering.',
            status,
          ),
        );
      }
    }
    signal.addEventListener('abort', onAbort);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      headers[name.toLowerCase()] = value;
    headers['accept'] ??= request.acceptContentTypes.join(', ');
    if (request.body !== undefined) headers['content-type'] ??= 'application/json';

    const budget = request.byteBudget;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let responseHeaders: Record<string, string> = {};
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        // The call ended (deadline, abort) while it waited for a connection.
        if (settled) started.abort(new Error('settled'));
      },
      onResponseStart(_controller, statusCode, received) {
        if (settled || statusCode < 200) return; // 1xx: the final answer follows
        status = statusCode;
        responseHeaders = lowerCaseHeaders(received);
        const mediaType =
          (responseHeaders['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!accepted.some((type) => type.toLowerCase() === mediaType)) {
          settle(
            fail(
              'wrong-content-type',
              mediaType === ''
                ? `The source answered (HTTP ${statusCode}) without saying what kind of content it sent.`
                : `The source answered (HTTP ${statusCode}) with ${mediaType}, which is not a kind of content it should send.`,
              statusCode,
            ),
          );
          return;
        }
        const declared = Number(responseHeaders['content-length']);
        if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
          tooLarge(request.maxResponseBytes);
          return;
        }
        if (
          budget !== undefined &&
          Number.isFinite(declared) &&
          declared > budget.limit - budget.used
        ) {
          tooLarge(budget.limit);
        }
      },
      onResponseData(_controller, chunk) {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > request.maxResponseBytes) {
          tooLarge(request.maxResponseBytes);
          return;
        }
        if (budget !== undefined && !budget.take(chunk.length)) {
          tooLarge(budget.limit);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled || status === undefined) return;
        // Answered in the check phase after undici's own `setImmediate` that frees the connection
        // (it waits one turn of the event loop before reusing a socket), so that a caller asking
        // again at once reuses this connection instead of opening another. Queued from a
        // microtask because undici schedules its turn only after this handler returns.
        queueMicrotask(() => setImmediate(answer));
      },
      onResponseError(_controller, error) {
        if (settled) return;
        if (status !== undefined) {
          settle(
            fail('malformed', "The source's answer was cut off before it was complete.", status),
          );
        } else {
          settle(connectionFailure(error, fail));
        }
      },
    };

    /** The whole answer is in: the body as bytes, or its JSON. */
    function answer(): void {
      if (settled || status === undefined) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
      if (request.raw === true) {
        settle({
          kind: 'response',
          status,
          headers: responseHeaders,
          json: undefined,
          body,
          bytes,
          elapsedMs: elapsed(),
        });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(UTF8.decode(body));
      } catch {
        settle(
          fail(
            'malformed',
            `The source's answer (HTTP ${status}) could not be read: it is not valid JSON.`,
            status,
          ),
        );
        return;
      }
      settle({
        kind: 'response',
        status,
        headers: responseHeaders,
        json,
        bytes,
        elapsedMs: elapsed(),
      });
    }

    try {
      (fresh ?? agentFor(request.tls)).dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers,
          body: request.body ?? null,
        },
        handler,
      );
    } catch {
      settle(fail('network-error', 'The request to the source could not be made.'));
    }
  });
}

function ignore(): void {
  // A pool closing after its call ended has nothing left to report.
}

/** Reads a source's configured mutual-TLS files once, when its connector is built. Throws, naming the file, when one cannot be read. */
export function readSourceTls(tls: SourceTls | undefined): SourceTlsMaterial | undefined {
  if (tls === undefined) return undefined;
  const read = (file: string | undefined, key: string): string | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new Error(`tls.${key}: cannot read ${file} (${code})`, { cause: error });
    }
  };
  return {
    cert: read(tls.certFile, 'certFile'),
    key: read(tls.keyFile, 'keyFile'),
    ca: read(tls.caFile, 'caFile'),
  };
}

/** A byte allowance shared by several calls, counted while they stream. */
export function createByteBudget(limit: number): ByteBudget {
  let used = 0;
  return {
    limit,
    get used() {
      return used;
    },
    take(bytes: number): boolean {
      if (used + bytes > limit) {
        used = limit;
        return false;
      }
      used += bytes;
      return true;
    },
  };
}

/** `3 s`, `0.5 s`, `1.3 s`: how long a deadline was, in words a clinician reads. */
export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** `10 MB`, `512 KB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

function tlsOptions(tls: SourceTlsMaterial | undefined): {
  cert?: string;
  key?: string;
  ca?: string;
} {
  if (tls === undefined) return {};
  return {
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
  };
}

function lowerCaseHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function connectionFailure(
  error: Error & { readonly code?: unknown },
  fail: (kind: SourceHttpFailureKind, message: string) => SourceHttpFailure,
): SourceHttpFailure {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'ECONNREFUSED')
    return fail('refused', 'The source refused the connection: it may be down.');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return fail('network-error', "The source's address could not be found.");
  }
  // undici's SocketError (UND_ERR_SOCKET): the other side closed before answering.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return fail('network-error', 'The connection to the source was dropped before it answered.');
  }
  if (code.startsWith('HPE_')) return fail('malformed', "The source's answer was not valid HTTP.");
  if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return fail('network-error', "The source's security certificate could not be checked.");
  }
  return fail(
    'network-error',
    `The source could not be reached${code === '' ? '' : ` (${code})`}.`,
  );
}
