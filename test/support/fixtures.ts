/** @module Locates the shared fixtures written by others (`../shared/fixtures/`), never copied into the repository. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The fixtures folder: `MCR_FIXTURES_DIR`, else `../shared/fixtures` beside the repository. */
export const fixturesDir = resolve(
  process.env['MCR_FIXTURES_DIR'] ?? join(repoRoot, '..', 'shared', 'fixtures'),
);

function requireFixturesDir(): void {
  if (!existsSync(fixturesDir)) {
    throw new Error(
      `The shared fixtures folder is missing: expected ${fixturesDir}. ` +
        'Tests read real payloads from ../shared/fixtures (set MCR_FIXTURES_DIR to use another place).',
    );
  }
}

/** The path of one fixture, relative to the fixtures folder (e.g. `gp-connect/errors/x.json`). */
export function fixturePath(relative: string): string {
  requireFixturesDir();
  return join(fixturesDir, relative);
}

/** Reads a fixture's text. */
export function readFixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

/** Reads and parses a JSON fixture. */
export function readFixtureJson(relative: string): unknown {
  return JSON.parse(readFixtureText(relative)) as unknown;
}

/** Lists the file names in one fixtures sub-folder, sorted. */
export function listFixtures(folder: string): string[] {
  return readdirSync(fixturePath(folder)).sort();
}

export { repoRoot };
