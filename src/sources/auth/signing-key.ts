/** @module Reads the private key a source's client assertions are signed with, once, checking it suits the configured algorithm. */
import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';

/** The JWS algorithms SMART Backend Services requires clients to support. */
export type AssertionAlgorithm = 'RS384' | 'ES384';

/**
 * Reads a PEM private key (PKCS#8, PKCS#1 or SEC1) and checks that it can sign with
 * `algorithm`: an RSA key (2048 bits or more) for RS384, an EC P-384 key for ES384.
 * Throws with the file named and the reason in plain words; never with the key's content.
 */
export function readSigningKey(file: string, algorithm: AssertionAlgorithm): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`auth.privateKeyFile: cannot read ${file} (${code})`, { cause: error });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // The parser's own error may quote the file; it is left out.
    throw new Error(`auth.privateKeyFile: ${file} does not hold a PEM private key`);
  }
  const problem = unsuitable(key, algorithm);
  if (problem !== undefined) throw new Error(`auth.privateKeyFile: ${file} ${problem}`);
  return key;
}

function unsuitable(key: KeyObject, algorithm: AssertionAlgorithm): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS384') {
    if (key.asymmetricKeyType !== 'rsa') return 'is not an RSA key, which RS384 needs';
    if ((details.modulusLength ?? 0) < 2048) return 'is an RSA key shorter than 2048 bits';
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'secp384r1') {
    return 'is not an EC P-384 key, which ES384 needs';
  }
  return undefined;
}
