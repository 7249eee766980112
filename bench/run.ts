/**
 * @module The benchmark runner (`npm run bench`): runs every `bench/*.bench.ts` in turn and
 * prints one table. Each bench exports `run(): Promise<BenchResult[]>`, measuring its subject
 * against a baseline in the same run, so the ratio means something on any machine.
 * `npm run bench -- audit` runs only the benches whose file name contains `audit`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { BenchModule, BenchResult } from './bench-result.ts';

/** A measured figure: whole numbers, with one decimal below 100 (heap multiples, milliseconds). */
function figure(value: number): string {
  return Math.abs(value) < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** The results as an aligned text table. */
export function formatTable(results: readonly (BenchResult & { file: string })[]): string {
  const rows = [
    ['bench', 'measure', 'value', 'baseline value', 'ratio', 'target', 'met', 'baseline'],
    ...results.map((r) => [
      r.file,
      r.name,
      figure(r.opsPerSec),
      figure(r.baselineOpsPerSec),
      r.ratio.toFixed(2),
      r.target?.goal ?? '',
      r.target === undefined ? '' : r.target.met ? 'yes' : 'NO',
      r.baseline ?? '',
    ]),
  ];
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(filter: string | undefined): Promise<number> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.bench.ts') && (filter === undefined || file.includes(filter)))
    .sort();
  const all: (BenchResult & { file: string })[] = [];
  let failed = 0;
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`running ${name}…\n`);
    const started = performance.now();
    try {
      const bench = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
      const results = await bench.run();
      all.push(...results.map((result) => ({ ...result, file: name })));
    } catch (error) {
      failed += 1;
      process.stderr.write(
        `${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.stderr.write(`${name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`\n${formatTable(all)}\n`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv[2]);
}
