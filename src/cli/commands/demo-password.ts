/** @module The demo users' password: MCR_DEMO_PASSWORD, else generated at first start and kept in the data directory. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoPassword } from '../../access/demo-users.ts';

export const DEMO_PASSWORD_FILE = 'demo-password';

export function demoPassword(
  dataDir: string,
  fromEnv: string | undefined,
): { password: string; source: 'env' | 'file' | 'generated' } {
  if (fromEnv !== undefined && fromEnv !== '') return { password: fromEnv, source: 'env' };
  const file = join(dataDir, DEMO_PASSWORD_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored !== '') return { password: stored, source: 'file' };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = generateDemoPassword();
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { password, source: 'generated' };
}
