/** What counts as typed text: something a reader can see, in any script, without control characters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleText } from '../../src/access/visible-text.ts';

test('nothing visible is no text: spaces, zero-width and format characters, fillers, lone marks', () => {
  for (const typed of [
    undefined,
    '',
    '   ',
    '\u200b',
    '\u200b\u200c\u200d\u2060\ufeff\u00ad',
    '\u202a\u202e\u2066\u2069',
    '\u3164\u115f\u1160\uffa0\u2800',
    '\u0301\ufe0f',
    '\u00a0\u2003\u3000\u2028\n\t',
    '\ue000',
  ]) {
    assert.deepEqual(
      visibleText(typed, 500),
      { ok: false, problem: 'empty' },
      JSON.stringify(typed),
    );
  }
});

test('visible text in any script is kept, with invisible edges cut and inner marks intact', () => {
  assert.deepEqual(visibleText('\u200b Collapsed at home \ufeff', 500), {
    ok: true,
    text: 'Collapsed at home',
  });
  for (const typed of ['Ni all siarad', 'لا يستطيع الكلام', '意識なし', 'e\u0301tat', '🚑']) {
    assert.deepEqual(visibleText(typed, 500), { ok: true, text: typed });
  }
  assert.deepEqual(visibleText('Line one\nLine two', 500), {
    ok: true,
    text: 'Line one\nLine two',
  });
});

test('control characters are refused, and the length is bounded after trimming', () => {
  assert.deepEqual(visibleText('Uncon\u0000scious', 500), {
    ok: false,
    problem: 'control-characters',
  });
  assert.deepEqual(visibleText('a\u001bb', 500), { ok: false, problem: 'control-characters' });
  assert.deepEqual(visibleText('x'.repeat(501), 500), { ok: false, problem: 'too-long' });
  assert.deepEqual(visibleText(`  ${'x'.repeat(500)}  `, 500), { ok: true, text: 'x'.repeat(500) });
});
