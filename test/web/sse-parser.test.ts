/** @module The Server-Sent Events parser the record page reads its stream with. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSseParser, type SseEvent } from '../../src/web/sse-parser.ts';

function parse(chunks: readonly string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

const STREAM =
  'id: 1\nevent: started\ndata: {"patient":{}}\n\n' +
  ': a comment line is ignored\n\n' +
  'id: 2\nevent: source\ndata: {"source":{"id":"gp"}}\n\n' +
  'id: 3\nevent: complete\ndata: {"sources":[]}\n\n';

const EXPECTED: SseEvent[] = [
  { type: 'started', data: '{"patient":{}}', id: '1' },
  { type: 'source', data: '{"source":{"id":"gp"}}', id: '2' },
  { type: 'complete', data: '{"sources":[]}', id: '3' },
];

describe('the record stream’s event parser', () => {
  test('reads named events with their data and id', () => {
    assert.deepEqual(parse([STREAM]), EXPECTED);
  });

  test('CRLF, CR and LF line endings all end a line, even split between chunks', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n');
    const cr = STREAM.replaceAll('\n', '\r');
    assert.deepEqual(parse([crlf]), EXPECTED);
    assert.deepEqual(parse([cr]), EXPECTED);
    // A CR ending one chunk and the LF starting the next are one line ending, not two.
    const at = crlf.indexOf('\r\n') + 1;
    assert.deepEqual(parse([crlf.slice(0, at), crlf.slice(at)]), EXPECTED);
  });

  test('any split of the stream into chunks gives the same events', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length * 2 - 1 }), { maxLength: 12 }),
        (ending, cuts) => {
          const text = STREAM.replaceAll('\n', ending);
          const points = [
            0,
            ...cuts.filter((c) => c < text.length).sort((a, b) => a - b),
            text.length,
          ];
          const chunks = points.slice(1).map((end, i) => text.slice(points[i], end));
          assert.deepEqual(parse(chunks), EXPECTED);
        },
      ),
    );
  });

  test('several data lines join with newlines; no space after the colon is kept as is; unnamed events are messages', () => {
    assert.deepEqual(parse(['data:one\ndata: two\n\n']), [
      { type: 'message', data: 'one\ntwo', id: '' },
    ]);
  });

  test('an event without its closing blank line is dropped when the stream ends, and a lone event name dispatches nothing', () => {
    assert.deepEqual(parse(['event: source\ndata: {"half":']), []);
    assert.deepEqual(parse(['event: source\n\n']), []);
  });

  test('a leading byte order mark is ignored', () => {
    assert.deepEqual(parse(['\uFEFFdata: x\n\n']), [{ type: 'message', data: 'x', id: '' }]);
  });

  test('a data line of several megabytes in small chunks is read in linear time', () => {
    const big = 'x'.repeat(8_000_000);
    const text = `event: source\ndata: ${big}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 16_384) chunks.push(text.slice(i, i + 16_384));
    const started = performance.now();
    const [event] = parse(chunks);
    assert.equal(event?.data.length, big.length);
    assert.ok(performance.now() - started < 2000, 'parsed well within two seconds');
  });
});
