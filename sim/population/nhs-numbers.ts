/**
 * @module Maps population indexes to NHS numbers and back in constant time: valid Modulus 11
 * test numbers in the 999 range. Personas sit in 999 000 xxxx; generated patients from 999 010 0000 up.
 */
import { checkDigit } from '../../src/identity/nhs-number.ts';

/** First nine digits are 999_000_000 + 10 × (FIRST_BLOCK + block) + lastDigit. */
const FIRST_BLOCK = 1000;
const BASE = 999_000_000;
/** Each block of ten candidates holds nine or ten valid numbers; we use the first nine. */
const PER_BLOCK = 9;
/** Enough blocks for a million patients without leaving the 999 range. */
const MAX_BLOCK = 9_000_000;

function validDigitsOfBlock(block: number): { nine: string; check: number }[] {
  const out: { nine: string; check: number }[] = [];
  for (let d = 0; d < 10; d++) {
    const nine = String(BASE + 10 * (FIRST_BLOCK + block) + d);
    const check = checkDigit(nine);
    if (check !== undefined) out.push({ nine, check });
  }
  return out;
}

/** The k-th generated (non-persona) NHS number, k ≥ 0. */
export function generatedNhsNumber(k: number): string {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`no generated NHS number at ${k}`);
  const block = Math.floor(k / PER_BLOCK);
  if (block >= MAX_BLOCK) throw new RangeError(`no generated NHS number at ${k}`);
  const valid = validDigitsOfBlock(block)[k % PER_BLOCK];
  if (valid === undefined) throw new Error('a block always holds nine valid numbers');
  return `${valid.nine}${valid.check}`;
}

/** The k for which generatedNhsNumber(k) is this number, or undefined when it is not one. */
export function generatedIndexOf(nhsNumber: string): number | undefined {
  if (!/^\d{10}$/.test(nhsNumber)) return undefined;
  const nine = Number(nhsNumber.slice(0, 9));
  const offset = nine - BASE - 10 * FIRST_BLOCK;
  if (offset < 0) return undefined;
  const block = Math.floor(offset / 10);
  if (block >= MAX_BLOCK) return undefined;
  const position = validDigitsOfBlock(block).findIndex((v) => `${v.nine}${v.check}` === nhsNumber);
  if (position < 0 || position >= PER_BLOCK) return undefined;
  return block * PER_BLOCK + position;
}
