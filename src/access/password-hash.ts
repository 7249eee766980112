/** @module Memory-hard password hashing with scrypt, in the self-describing form `scrypt$N$r$p$salt$hash`. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** The cost settings of one scrypt hash. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
  /** Derived key length in bytes. */
  readonly keyLength: number;
}

/** The settings new hashes use: about 32 MiB and tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({
  N: 2 ** 15,
  r: 8,
  p: 1,
  keyLength: 32,
});

const SALT_BYTES = 16;
// Bounds on what a stored hash may ask for, so a tampered row cannot make a sign-in
// allocate gigabytes or spin for minutes.
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 64;
// A fixed salt for the dummy verification: it only has to cost what a real one does.
const DUMMY_SALT = Buffer.alloc(SALT_BYTES, 0x5a);

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      params.keyLength,
      // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is exactly that at N=2^15, r=8.
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

function parseInteger(text: string | undefined): number {
  return text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

function parse(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const N = parseInteger(parts[1]);
  const r = parseInteger(parts[2]);
  const p = parseInteger(parts[3]);
  if (!isPowerOfTwo(N) || N > 2 ** MAX_LOG2_N) return undefined;
  if (!(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < SALT_BYTES) return undefined;
  if (hash.length < MIN_KEY_BYTES || hash.length > MAX_KEY_BYTES) return undefined;
  return { params: { N, r, p, keyLength: hash.length }, salt, hash };
}

/** Hashes a password with a fresh 16-byte salt, returning `scrypt$N$r$p$saltB64$hashB64`. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64'),
    hash.toString('base64'),
  ].join('$');
}

/**
 * True when `password` matches `encoded`. A malformed or unsupported `encoded` never matches
 * (and still costs a hash, so the answer takes as long either way). Never throws.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (parsed === undefined) return dummyVerify(password);
  let candidate: Buffer;
  try {
    candidate = await derive(password, parsed.salt, parsed.params);
  } catch {
    return false;
  }
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/**
 * Spends as long as verifying a real hash made with `params` and answers false. Called
 * for unknown usernames so the response time does not reveal which usernames exist.
 */
export async function dummyVerify(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<false> {
  try {
    await derive(password, DUMMY_SALT, params);
  } catch {
    // Only the time spent matters.
  }
  return false;
}

/** True when `encoded` was made with settings other than `params` (or cannot be read), so it should be rehashed at the next sign-in. */
export function needsRehash(
  encoded: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): boolean {
  const parsed = parse(encoded);
  if (parsed === undefined) return true;
  const current = parsed.params;
  return (
    current.N !== params.N ||
    current.r !== params.r ||
    current.p !== params.p ||
    current.keyLength !== params.keyLength ||
    parsed.salt.length < SALT_BYTES
  );
}
