/**
 * @module A Server-Sent Events parser for a `text/event-stream` body read with `fetch()`:
 * text in, events out, as the HTML standard's "interpreting an event stream" describes
 * (lines ending CRLF, LF or CR; `event`, `data`, `id` fields; comments; blank line dispatches).
 */

/** One dispatched event. `type` is `message` when the stream named none. */
export interface SseEvent {
  readonly type: string;
  readonly data: string;
  /** The last `id:` seen so far in the stream (the spec's "last event ID"). */
  readonly id: string;
}

/** Feeds decoded text in any chunking; calls `onEvent` for each complete event. */
export interface SseParser {
  push(text: string): void;
  /** The stream ended: an event without its closing blank line is dropped, as the spec says. */
  end(): void;
}

/**
 * Creates a parser. Work is linear in the text: a partial line is kept as a list of pieces
 * and joined once its end arrives, so a multi-megabyte `data:` line is not rescanned per chunk.
 */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let partial: string[] = [];
  let afterCr = false;
  let first = true;
  let type = '';
  let data: string[] = [];
  let lastId = '';

  function line(text: string): void {
    if (text === '') {
      if (data.length > 0)
        onEvent({ type: type === '' ? 'message' : type, data: data.join('\n'), id: lastId });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    // `retry` and unknown fields are ignored: this client never reconnects.
  }

  function endLine(tail: string): void {
    partial.push(tail);
    let text = partial.join('');
    partial = [];
    if (first) {
      first = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    line(text);
  }

  return {
    push(chunk) {
      let start = 0;
      // A CR at the end of the previous chunk and an LF here are one line ending.
      if (afterCr && chunk.startsWith('\n')) start = 1;
      afterCr = false;
      // Each terminator is searched for at most once per position: no rescanning of the chunk.
      let lf = chunk.indexOf('\n', start);
      let cr = chunk.indexOf('\r', start);
      while (lf !== -1 || cr !== -1) {
        const at = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
        endLine(chunk.slice(start, at));
        start = chunk[at] === '\r' && chunk[at + 1] === '\n' ? at + 2 : at + 1;
        if (chunk[at] === '\r' && at + 1 === chunk.length) afterCr = true;
        if (lf !== -1 && lf < start) lf = chunk.indexOf('\n', start);
        if (cr !== -1 && cr < start) cr = chunk.indexOf('\r', start);
      }
      if (start < chunk.length) partial.push(chunk.slice(start));
    },
    end() {
      partial = [];
      data = [];
      type = '';
    },
  };
}
