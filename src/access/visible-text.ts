/**
 * @module What a user may type into a free-text field (a reason, a note, who gave permission):
 * visible text, not only spaces or invisible characters.
 */

/**
 * Characters that show nothing on their own: whitespace and separators, control and format
 * characters (zero-width space, joiners, word joiner, BOM, soft hyphen, bidi controls), private
 * use and unassigned code points, lone surrogates, combining marks and variation selectors, and
 * the letters and symbols that render blank (Hangul fillers, the blank Braille pattern).
 */
const INVISIBLE = /[\s\p{Z}\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** What is cut from either end: whitespace, control and format characters (never a mark after a letter). */
const EDGES = /^[\s\p{Z}\p{Cc}\p{Cf}]+|[\s\p{Z}\p{Cc}\p{Cf}]+$/gu;
/** Control characters other than tab and line breaks have no place in typed text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/u;

/** The verdict on one typed field: its text with invisible edges cut, or why it is refused. */
export type VisibleText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problem: 'empty' | 'too-long' | 'control-characters' };

/**
 * Checks typed text: `empty` when absent or nothing in it is visible, `control-characters` when it
 * holds any (other than tab and line breaks), `too-long` beyond `maxLength` UTF-16 units after
 * the edges are cut.
 */
export function visibleText(typed: string | undefined, maxLength: number): VisibleText {
  if (typed === undefined) return { ok: false, problem: 'empty' };
  const text = typed.replace(EDGES, '');
  if (text.replace(INVISIBLE, '') === '') return { ok: false, problem: 'empty' };
  if (CONTROL.test(text)) return { ok: false, problem: 'control-characters' };
  if (text.length > maxLength) return { ok: false, problem: 'too-long' };
  return { ok: true, text };
}
