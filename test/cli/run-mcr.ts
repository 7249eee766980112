/** @module Runs the real `mcr` command as a child process on Node 24, as an operator would. */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command's entry points: the installed bin script and the TypeScript main it starts. */
export const MCR_BIN = fileURLToPath(new URL('../../bin/mcr.js', import.meta.url));
export const MCR_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** How a run of `mcr` ended. */
export interface McrRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunMcrOptions {
  /** Variables for the child, on top of PATH, HOME and NODE_COMPILE_CACHE (nothing else passes). */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to standard input, which is then closed. */
  readonly stdin?: string;
  /** The script to run: `src/cli/main.ts` unless given. */
  readonly entry?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/**
 * Runs `mcr <args>` with this process's Node (24) and a clean environment, so a developer's
 * MCR_* variables cannot change what a test sees. Resolves when the child exits.
 */
export function runMcr(args: readonly string[], options: RunMcrOptions = {}): Promise<McrRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.entry ?? MCR_MAIN, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        // Loading the TypeScript sources is most of a run's time; the cache halves it.
        NODE_COMPILE_CACHE: join(tmpdir(), 'mcr-test-compile-cache'),
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
