/**
 * @module Faults a simulated source can be told to show: latency, errors, broken, huge, slow or
 * missing answers. Each fault is plain JSON so it can be set at start or through `/_control/faults`.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** 50 MB: comfortably above any sane source response cap. */
export const DEFAULT_OVERSIZED_BYTES = 50 * 1024 * 1024;

/** One fault applied to every data request of a source (never to `/_control`). */
export type Fault =
  | { readonly kind: 'none' }
  /** Answer normally after `ms`. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Answer normally after a seeded random delay in [minMs, maxMs]. */
  | {
      readonly kind: 'random-latency';
      readonly minMs: number;
      readonly maxMs: number;
      readonly seed?: number;
    }
  /** With probability `rate` (seeded), answer `status` (500 by default) with an OperationOutcome. */
  | {
      readonly kind: 'error-rate';
      readonly rate: number;
      readonly status?: 500 | 503;
      readonly seed?: number;
    }
  /** 200, FHIR content type, a body that is not JSON. */
  | { readonly kind: 'malformed-json' }
  /** Content-Length announces the whole body, half is sent, then the socket is destroyed. */
  | { readonly kind: 'truncated-body' }
  /** A valid JSON Bundle of at least `bytes` (50 MB by default), streamed in chunks, never held in memory. */
  | { readonly kind: 'oversized-body'; readonly bytes?: number }
  /** The request is accepted and never answered; the socket stays open. */
  | { readonly kind: 'hang' }
  /** The real answer, `bytes` bytes (16 by default) every `intervalMs`. */
  | { readonly kind: 'drip'; readonly intervalMs: number; readonly bytes?: number }
  /** 200 with a text/html page, as a proxy or login wall would send. */
  | { readonly kind: 'wrong-content-type' }
  /** The listener is closed: connections are refused until the fault is cleared. */
  | { readonly kind: 'connection-refused' };

export type FaultKind = Fault['kind'];

const NO_FAULT: Fault = { kind: 'none' };

/** An answer a server has prepared, before any fault is applied. */
export interface PreparedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parses a fault from JSON, or returns a message saying what is wrong with it. */
export function parseFault(
  input: unknown,
): { ok: true; fault: Fault } | { ok: false; message: string } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, message: 'A fault is a JSON object.' };
  const value = input as Record<string, unknown>;
  const num = (key: string): number | undefined => {
    const v = value[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const optionalNum = (key: string): boolean => value[key] === undefined || num(key) !== undefined;
  switch (value['kind']) {
    case 'none':
    case 'malformed-json':
    case 'truncated-body':
    case 'hang':
    case 'wrong-content-type':
    case 'connection-refused':
      return { ok: true, fault: { kind: value['kind'] } };
    case 'latency': {
      const ms = num('ms');
      return ms === undefined
        ? bad('latency needs ms ≥ 0')
        : { ok: true, fault: { kind: 'latency', ms } };
    }
    case 'random-latency': {
      const minMs = num('minMs');
      const maxMs = num('maxMs');
      if (minMs === undefined || maxMs === undefined || maxMs < minMs || !optionalNum('seed')) {
        return bad('random-latency needs 0 ≤ minMs ≤ maxMs and an optional numeric seed');
      }
      return { ok: true, fault: { kind: 'random-latency', minMs, maxMs, ...seedOf(num('seed')) } };
    }
    case 'error-rate': {
      const rate = num('rate');
      const status = value['status'];
      if (rate === undefined || rate > 1 || !optionalNum('seed'))
        return bad('error-rate needs 0 ≤ rate ≤ 1');
      if (status !== undefined && status !== 500 && status !== 503)
        return bad('error-rate status is 500 or 503');
      return {
        ok: true,
        fault: {
          kind: 'error-rate',
          rate,
          ...(status === undefined ? {} : { status }),
          ...seedOf(num('seed')),
        },
      };
    }
    case 'oversized-body': {
      if (!optionalNum('bytes')) return bad('oversized-body bytes is a number');
      const bytes = num('bytes');
      return {
        ok: true,
        fault: bytes === undefined ? { kind: 'oversized-body' } : { kind: 'oversized-body', bytes },
      };
    }
    case 'drip': {
      const intervalMs = num('intervalMs');
      const bytes = num('bytes');
      if (intervalMs === undefined || !optionalNum('bytes') || bytes === 0) {
        return bad('drip needs intervalMs ≥ 0 and optional bytes ≥ 1');
      }
      return {
        ok: true,
        fault: { kind: 'drip', intervalMs, ...(bytes === undefined ? {} : { bytes }) },
      };
    }
    default:
      return bad('Unknown fault kind.');
  }
}

function bad(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function seedOf(seed: number | undefined): { seed?: number } {
  return seed === undefined ? {} : { seed };
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence of faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The current fault of one server, with its own seeded random sequence. */
export class FaultControl {
  #fault: Fault = NO_FAULT;
  #random: () => number = seededRandom(1);
  readonly #listeners: ((fault: Fault) => void)[] = [];

  constructor(initial?: Fault) {
    if (initial) this.set(initial);
  }

  get current(): Fault {
    return this.#fault;
  }

  /** Replaces the fault and restarts its random sequence from its seed. */
  set(fault: Fault): void {
    this.#fault = fault;
    const seed = 'seed' in fault && fault.seed !== undefined ? fault.seed : 1;
    this.#random = seededRandom(seed);
    for (const listener of this.#listeners) listener(fault);
  }

  clear(): void {
    this.set(NO_FAULT);
  }

  /** Next number in [0, 1) from the fault's seeded sequence. */
  random(): number {
    return this.#random();
  }

  /** Called after every change (the server uses it to close or reopen its listener). */
  onChange(listener: (fault: Fault) => void): void {
    this.#listeners.push(listener);
  }
}

/**
 * Sends `prepared` through the current fault. `errorBody` builds the source's own error payload
 * for the error-rate fault. Resolves once the answer is fully written (never, for `hang`).
 */
export async function sendWithFault(
  res: ServerResponse,
  prepared: PreparedResponse,
  faults: FaultControl,
  errorBody: (status: number) => string,
): Promise<void> {
  const fault = faults.current;
  switch (fault.kind) {
    case 'none':
    case 'connection-refused': // handled at the listener; a request that got through is answered
      return send(res, prepared);
    case 'latency':
      await sleep(fault.ms);
      return send(res, prepared);
    case 'random-latency':
      await sleep(fault.minMs + Math.floor(faults.random() * (fault.maxMs - fault.minMs + 1)));
      return send(res, prepared);
    case 'error-rate': {
      if (faults.random() >= fault.rate) return send(res, prepared);
      const status = fault.status ?? 500;
      return send(res, { status, headers: fhirJsonHeaders(), body: errorBody(status) });
    }
    case 'malformed-json': {
      // Half of a JSON object never parses: its closing brace is the last character.
      const body = prepared.body.slice(0, Math.max(1, Math.floor(prepared.body.length / 2)));
      return send(res, { status: 200, headers: prepared.headers, body });
    }
    case 'truncated-body':
      return sendTruncated(res, prepared);
    case 'oversized-body':
      return streamOversized(res, fault.bytes ?? DEFAULT_OVERSIZED_BYTES);
    case 'hang':
      return new Promise<void>((resolve) => {
        res.once('close', resolve);
      });
    case 'drip':
      return drip(res, prepared, fault.intervalMs, fault.bytes ?? 16);
    case 'wrong-content-type':
      return send(res, {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>',
      });
  }
}

/** The FHIR JSON content type every source answers with. */
export function fhirJsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/fhir+json;charset=utf-8' };
}

async function send(res: ServerResponse, prepared: PreparedResponse): Promise<void> {
  await Promise.resolve();
  const bytes = Buffer.from(prepared.body, 'utf8');
  res.writeHead(prepared.status, { ...prepared.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

async function sendTruncated(res: ServerResponse, prepared: PreparedResponse): Promise<void> {
  await Promise.resolve();
  const bytes = Buffer.from(prepared.body, 'utf8');
  res.writeHead(200, { ...prepared.headers, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}

async function drip(
  res: ServerResponse,
  prepared: PreparedResponse,
  intervalMs: number,
  step: number,
): Promise<void> {
  const bytes = Buffer.from(prepared.body, 'utf8');
  res.writeHead(prepared.status, { ...prepared.headers, 'content-length': String(bytes.length) });
  for (let offset = 0; offset < bytes.length; offset += step) {
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + step));
    await sleep(intervalMs);
  }
  if (!res.destroyed) res.end();
}

/** Streams a valid JSON Bundle of at least `total` bytes, honouring back-pressure. */
async function streamOversized(res: ServerResponse, total: number): Promise<void> {
  const entry = JSON.stringify({
    resource: { resourceType: 'Basic', id: 'padding', code: { text: 'x'.repeat(900) } },
  });
  const chunk = Buffer.from(Array.from({ length: 64 }, () => entry).join(','), 'utf8');
  const comma = Buffer.from(',');
  // No Content-Length: chunked transfer, as a runaway source would send.
  res.writeHead(200, fhirJsonHeaders());
  let sent = 0;
  const write = async (buffer: Buffer): Promise<boolean> => {
    if (res.destroyed) return false;
    sent += buffer.length;
    if (!res.write(buffer)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  if (!(await write(Buffer.from('{"resourceType":"Bundle","type":"searchset","entry":[')))) return;
  if (!(await write(chunk))) return;
  while (sent < total) {
    if (!(await write(comma)) || !(await write(chunk))) return;
  }
  if (!res.destroyed) res.end(']}');
}
