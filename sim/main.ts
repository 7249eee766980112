/**
 * @module Command-line entry that starts every simulated source and prints where each listens.
 * Usage: `node sim/main.ts [--port-base 9100] [--seed 1] [--size 500] [--host 127.0.0.1]`.
 */
import { parseArgs } from 'node:util';
import { startSims } from './start-sims.ts';

/** Parses the arguments, starts the simulators and keeps them running until SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'port-base': { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string' },
      host: { type: 'string' },
    },
  });
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`--${name} must be a whole number, got ${text}`);
    return value;
  };
  const sims = await startSims({
    portBase: number('port-base', values['port-base']),
    seed: number('seed', values.seed),
    size: number('size', values.size),
    host: values.host,
  });
  console.log(
    `Simulated sources (seed ${sims.population.seed}, ${sims.population.size} patients):`,
  );
  console.log(`  demographics (PDS)  ${sims.demographicsUrl}`);
  for (const practice of sims.practices) {
    console.log(
      `  ${practice.id.padEnd(19)} ${practice.url}  (ODS ${practice.ods}, ASID ${practice.asid})`,
    );
  }
  for (const source of sims.sourcesConfig().filter((s) => s.kind === 'fhir-r4')) {
    console.log(`  ${source.id.padEnd(19)} ${source.url}`);
  }
  console.log(
    'Control each source at <server>/_control/faults, /_control/stats, /_control/reset. Ctrl-C stops.',
  );
  const stop = (): void => {
    void sims.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
