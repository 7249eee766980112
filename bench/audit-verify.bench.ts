/**
 * @module `mcr audit verify` on a long synthetic trail, run as an operator runs it (the real
 * command, a child process, on SQLite), for its rate and its peak resident memory (`/usr/bin/time`
 * reports the child's maximum RSS). The baseline is the rate of reading the same rows and hashing
 * their chain alone, in the same run. 1,000,000 entries by default (about a minute);
 * `MCR_BENCH_VERIFY_ENTRIES=10000000` for issue #15's ten million (several minutes).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_KEY_FILE_NAME, createCheckpointSigner } from '../src/audit/checkpoint-signer.ts';
import { chainHash } from '../src/audit/chain-hash.ts';
import { openStore } from '../src/store/open-store.ts';
import { writeSyntheticTrail } from '../test/support/synthetic-audit-trail.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';

const ENTRIES = Number(process.env['MCR_BENCH_VERIFY_ENTRIES'] ?? 1_000_000);
/** Issue #15: ten million entries in less than 256 MiB. */
const RSS_LIMIT_BYTES = 256 * 1024 * 1024;
const MCR_MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

interface VerifyRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly maxRssBytes: number;
  readonly seconds: number;
}

/** Runs `mcr audit verify` under `/usr/bin/time -f %M` (peak RSS in KiB on its last line). */
function runVerify(dataDir: string): Promise<VerifyRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'maxrss_kib=%M', process.execPath, MCR_MAIN, 'audit', 'verify'],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '',
          MCR_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const kib = /maxrss_kib=(\d+)/.exec(stderr)?.[1];
      if (kib === undefined) {
        reject(new Error(`no peak RSS reported: ${stderr}`));
        return;
      }
      resolve({
        code,
        stdout,
        maxRssBytes: Number(kib) * 1024,
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync('/usr/bin/time')) {
    process.stderr.write(
      '!! AUDIT VERIFY BENCH SKIPPED: /usr/bin/time is missing (apt-get install time)\n',
    );
    return [];
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-verify-'));
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(
      join(dataDir, DEMO_KEY_FILE_NAME),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    const signer = createCheckpointSigner(privateKey);
    const store = await openStore({ url: '', dataDir });
    let baselineRate: number;
    try {
      const generating = performance.now();
      await writeSyntheticTrail(store, {
        entries: ENTRIES,
        signer,
        checkpointEvery: 1000,
        tiles: true,
      });
      process.stderr.write(
        `  wrote ${ENTRIES} entries in ${((performance.now() - generating) / 1000).toFixed(1)} s\n`,
      );
      // Baseline: read every row in the same batches and check its chain hash, nothing more.
      const reading = performance.now();
      let after = 0;
      for (;;) {
        const rows = await store.db
          .selectFrom('audit_entries')
          .select(['seq', 'entry', 'hash', 'prev_hash'])
          .where('seq', '>', after)
          .orderBy('seq', 'asc')
          .limit(2000)
          .execute();
        for (const row of rows) {
          if (chainHash(row.prev_hash, row.entry) !== row.hash) throw new Error('bad synthetic');
        }
        const last = rows.at(-1);
        if (last === undefined) break;
        after = last.seq;
      }
      baselineRate = ENTRIES / ((performance.now() - reading) / 1000);
    } finally {
      await store.close();
    }
    const verify = await runVerify(dataDir);
    if (verify.code !== 0)
      throw new Error(`mcr audit verify exited ${verify.code}: ${verify.stdout}`);
    const rate = ENTRIES / verify.seconds;
    const mib = verify.maxRssBytes / 1024 / 1024;
    process.stderr.write(
      `  ${verify.stdout.trim()}\n  peak RSS ${mib.toFixed(0)} MiB, ${rate.toFixed(0)} entries/s (process start included)\n`,
    );
    return [
      withTarget(
        benchResult(
          `mcr audit verify, ${ENTRIES} entries, peak RSS ${mib.toFixed(0)} MiB`,
          rate,
          baselineRate,
          'read the rows and check the chain hash only',
        ),
        '< 256 MiB RSS',
        verify.maxRssBytes < RSS_LIMIT_BYTES,
      ),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
