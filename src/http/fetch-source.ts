/** @module The guarded HTTP call to a source: one deadline, a streaming size cap, a content-type check, JSON parsing; never throws. */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
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
    const accepted = new Set(request.acceptContentTypes.map((type) => type.toLowerCase()));
    let settled = false;
    let req: ClientRequest | undefined;
    let res: IncomingMessage | undefined;

    const settle = (outcome: SourceHttpOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      deadline.dispose();
      if (outcome.kind !== 'response') {
        res?.destroy();
        req?.destroy();
      }
      resolve(outcome);
    };
    const tooLarge = (limit: number, status: number): void => {
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
            res?.statusCode,
          ),
        );
      } else {
        settle(
          fail(
            'aborted',
            'The request was cancelled before the source finished answering.',
            res?.statusCode,
          ),
        );
      }
    }
    signal.addEventListener('abort', onAbort);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      headers[name.toLowerCase()] = value;
    headers['accept'] ??= request.acceptContentTypes.join(', ');
    if (request.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }

    try {
      const options = {
        method: request.method,
        headers,
        ...(request.freshConnection === true ? { agent: false } : {}),
      };
      req =
        url.protocol === 'https:'
          ? httpsRequest(url, { ...options, ...tlsOptions(request.tls) })
          : httpRequest(url, options);
    } catch {
      settle(fail('network-error', 'The request to the source could not be made.'));
      return;
    }

    req.on('error', (error: NodeJS.ErrnoException) => {
      if (res !== undefined) {
        settle(
          fail(
            'malformed',
            "The source's answer was cut off before it was complete.",
            res.statusCode,
          ),
        );
      } else {
        settle(connectionFailure(error, fail));
      }
    });

    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const responseHeaders = lowerCaseHeaders(response.headers);
      const mediaType =
        (responseHeaders['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!accepted.has(mediaType)) {
        settle(
          fail(
            'wrong-content-type',
            mediaType === ''
              ? `The source answered (HTTP ${status}) without saying what kind of content it sent.`
              : `The source answered (HTTP ${status}) with ${mediaType}, which is not a kind of content it should send.`,
            status,
          ),
        );
        return;
      }
      const declared = Number(responseHeaders['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        tooLarge(request.maxResponseBytes, status);
        return;
      }
      const budget = request.byteBudget;
      if (
        budget !== undefined &&
        Number.isFinite(declared) &&
        declared > budget.limit - budget.used
      ) {
        tooLarge(budget.limit, status);
        return;
      }

      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > request.maxResponseBytes) {
          tooLarge(request.maxResponseBytes, status);
          return;
        }
        if (budget !== undefined && !budget.take(chunk.length)) {
          tooLarge(budget.limit, status);
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', () => {
        settle(
          fail('malformed', "The source's answer was cut off before it was complete.", status),
        );
      });
      response.on('close', () => {
        if (!response.complete) {
          settle(
            fail('malformed', "The source's answer was cut off before it was complete.", status),
          );
        }
      });
      response.on('end', () => {
        if (settled) return;
        if (request.raw === true) {
          settle({
            kind: 'response',
            status,
            headers: responseHeaders,
            json: undefined,
            body: Buffer.concat(chunks, bytes),
            bytes,
            elapsedMs: elapsed(),
          });
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(
            UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes)),
          );
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
      });
    });

    req.end(request.body);
  });
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

function lowerCaseHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function connectionFailure(
  error: NodeJS.ErrnoException,
  fail: (kind: SourceHttpFailureKind, message: string) => SourceHttpFailure,
): SourceHttpFailure {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED')
    return fail('refused', 'The source refused the connection: it may be down.');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return fail('network-error', "The source's address could not be found.");
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
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
