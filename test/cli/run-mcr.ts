/** @module Runs the real `mcr` command as a child process on Node 24, as an operator would. */
import { spawn } from 'node:child_process';
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
  /** Environment variables for the child, on top of PATH and HOME (nothing else is inherited). */
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
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 20_000,
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
