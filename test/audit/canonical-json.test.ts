import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, NotCanonicalisable } from '../../src/audit/canonical-json.ts';
import { entryEnvelopeJson } from '../../src/audit/chain-hash.ts';
import { recordViewCompleted } from './sample-events.ts';

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

void describe('RFC 8785 canonical JSON', () => {
  void test('the RFC §3.2.2 sample object canonicalises to the RFC’s exact output', () => {
    // The input as RFC 8785 prints it, whitespace, escapes and number spellings included.
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50,\n              2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    assert.equal(canonicalJson(JSON.parse(input)), expected);
  });

  void test('the RFC §3.2.4 UTF-8 bytes of the sample output match', () => {
    const input = {
      numbers: [JSON.parse('333333333.33333329') as number, 1e30, 4.5, 2e-3, 1e-27],
      string: '€$\u000f\nA\'B"\\\\"/',
      literals: [null, true, false],
    };
    const hex = Buffer.from(canonicalJson(input), 'utf8').toString('hex');
    assert.equal(
      hex,
      '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333' +
        '333333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472' +
        '696e67223a22e282ac245c7530303066' +
        '5c6e4127425c225c5c5c5c5c222f227d',
    );
  });

  void test('the RFC §3.2.3 property sorting example sorts by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",' +
        '"1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",' +
        '"\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    const out = canonicalJson(input);
    // JS property order puts the integer-like key "1" first; canonical order puts "\r" (U+000D) before it.
    assert.equal(Object.keys(input as object)[0], '1');
    assert.equal(
      out,
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  void test('the RFC Appendix B number vectors serialise exactly', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, expected] of vectors)
      assert.equal(canonicalJson(fromBits(bits)), expected, bits);
  });

  void test('NaN and Infinity (RFC Appendix B error vectors) are refused', () => {
    assert.throws(() => canonicalJson(fromBits('7fffffffffffffff')), NotCanonicalisable);
    assert.throws(() => canonicalJson(fromBits('7ff0000000000000')), NotCanonicalisable);
    assert.throws(() => canonicalJson({ a: [1, -Infinity] }), /\/a\/1/);
  });

  void test('nested objects are sorted at every level and whitespace is removed', () => {
    assert.equal(
      canonicalJson({ b: { z: 1, a: [{ y: 2, x: 1 }] }, a: 'x' }),
      '{"a":"x","b":{"a":[{"x":1,"y":2}],"z":1}}',
    );
  });

  void test('undefined properties are left out but undefined array items are refused', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
    assert.throws(() => canonicalJson([1, undefined]), NotCanonicalisable);
  });

  void test('values JSON cannot carry faithfully are refused', () => {
    assert.throws(() => canonicalJson(10n), NotCanonicalisable);
    assert.throws(() => canonicalJson({ f: () => 1 }), NotCanonicalisable);
    assert.throws(() => canonicalJson(Symbol('s')), NotCanonicalisable);
    assert.throws(() => canonicalJson(new Date(0)), NotCanonicalisable);
    assert.throws(() => canonicalJson(new Map()), NotCanonicalisable);
    assert.throws(() => canonicalJson('lone \ud800 surrogate'), NotCanonicalisable);
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    assert.throws(() => canonicalJson(loop), /circular/);
  });

  void test('the same value always gives the same text, whatever order its keys were written in', () => {
    const one = { time: '2025-01-01T00:00:00.000Z', actor: { role: 'gp', userId: 'u1' }, n: 1 };
    const two = { n: 1, actor: { userId: 'u1', role: 'gp' }, time: '2025-01-01T00:00:00.000Z' };
    assert.equal(canonicalJson(one), canonicalJson(two));
    assert.equal(canonicalJson(JSON.parse(canonicalJson(one))), canonicalJson(one));
  });

  void test('a refusal names where in the value it is, with JSON-pointer escapes', () => {
    assert.throws(
      () => canonicalJson({ 'a/b': [{ '~c': Number.NaN }] }),
      (error: unknown) => error instanceof NotCanonicalisable && error.path === '/a~1b/0/~0c',
    );
  });

  void test('an audit entry envelope spliced around its event is the envelope canonicalised whole', () => {
    const event = recordViewCompleted();
    for (const seq of [1, 9, 10, 123456789]) {
      const recordedAt = '2025-03-04T10:15:00.123Z';
      assert.equal(
        entryEnvelopeJson(seq, recordedAt, canonicalJson(event)),
        canonicalJson({ v: 1, seq, recordedAt, event }),
      );
    }
    assert.throws(() => entryEnvelopeJson(0, '2025-03-04T10:15:00.123Z', '{}'), RangeError);
  });

  void test('a value nested a hundred deep is serialised, and a cycle deep inside one is refused', () => {
    let deep: unknown = { b: 1, a: [true, null, 'x'] };
    let expected = '{"a":[true,null,"x"],"b":1}';
    for (let i = 0; i < 100; i += 1) {
      deep = i % 2 === 0 ? [deep] : { z: deep, y: i };
      expected = i % 2 === 0 ? `[${expected}]` : `{"y":${i},"z":${expected}}`;
    }
    assert.equal(canonicalJson(deep), expected);
    const cycle: Record<string, unknown> = { a: 1 };
    let inner = cycle;
    for (let i = 0; i < 80; i += 1) inner = inner['next'] = { i };
    inner['back'] = cycle;
    assert.throws(() => canonicalJson(cycle), /circular reference/);
    assert.throws(
      () => canonicalJson({ a: [1, { b: '\ud800' }] }),
      /at \/a\/1\/b: .*lone surrogate/,
    );
  });

  void test('any JSON value canonicalises to JSON.stringify with the keys of every object sorted', () => {
    // Built as text: an object's integer-like keys would not keep a sorted order as properties.
    const reference = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(reference).join(',')}]`
        : typeof value === 'object' && value !== null
          ? `{${Object.keys(value)
              .sort()
              .map(
                (key) =>
                  `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`,
              )
              .join(',')}}`
          : JSON.stringify(value);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.equal(canonicalJson(value), reference(value));
      }),
    );
  });
});
