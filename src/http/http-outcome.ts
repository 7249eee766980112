/**
 * @module The contract of the guarded HTTP call every connector makes to a source:
 * a deadline covering connect, headers and body; a size cap counted while streaming;
 * a content-type check; JSON parsing. It returns a value and never throws.
 * Implemented by `fetch-source.ts`.
 */

/**
 * Mutual TLS material already read from the configured files (see `readSourceTls` in
 * `fetch-source.ts`): connectors read the files once, when they are built, not on every call.
 */
export interface SourceTlsMaterial {
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly ca?: string | undefined;
}

/**
 * A byte allowance shared by several calls (e.g. every page of every search of one source),
 * counted while streaming so that concurrent calls together never exceed it.
 */
export interface ByteBudget {
  readonly limit: number;
  /** Bytes taken so far. */
  readonly used: number;
  /** Takes `bytes` from the allowance; false when that would exceed the limit. */
  take(bytes: number): boolean;
}

export interface SourceHttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON string for POST. */
  readonly body?: string | undefined;
  /** Covers connect, headers and the whole body. */
  readonly timeoutMs: number;
  /** Counted while streaming; beyond it the call is aborted with `too-large`. */
  readonly maxResponseBytes: number;
  /** Content types accepted (compared on the media type, ignoring parameters). */
  readonly acceptContentTypes: readonly string[];
  /** The caller's own abort (e.g. the view was abandoned). */
  readonly signal?: AbortSignal | undefined;
  readonly tls?: SourceTlsMaterial | undefined;
  /** Also counted while streaming: beyond it the call is aborted with `too-large`. */
  readonly byteBudget?: ByteBudget | undefined;
  /**
   * Open a new connection instead of reusing a pooled keep-alive one: for the retry after a
   * dropped connection, which a stale pooled socket would otherwise fail again.
   */
  readonly freshConnection?: boolean | undefined;
  /** Keep the body as bytes (a document), not parsed as JSON; `json` is then undefined. */
  readonly raw?: boolean | undefined;
}

/** The body arrived, was of an accepted type and parsed as JSON. Any HTTP status. */
export interface SourceHttpResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
  /** The body's bytes, only when the request asked for `raw`. Held in memory, never on disk. */
  readonly body?: Buffer | undefined;
  readonly bytes: number;
  readonly elapsedMs: number;
}

export type SourceHttpFailureKind =
  | 'timed-out'
  | 'too-large'
  | 'malformed'
  | 'wrong-content-type'
  | 'refused'
  | 'aborted'
  | 'network-error';

/** The call failed before a usable JSON body was had. `message` is plain words, no content. */
export interface SourceHttpFailure {
  readonly kind: SourceHttpFailureKind;
  readonly status?: number | undefined;
  readonly message: string;
  readonly elapsedMs: number;
}

export type SourceHttpOutcome = SourceHttpResponse | SourceHttpFailure;
