/** @module `mcr sim` (`npm run sim`): runs only the simulated source systems. */
import { defineCommand } from '../command.ts';
import { describeSims } from './describe-sims.ts';

export const simCommand = defineCommand({
  path: ['sim'],
  summary:
    'Run only the simulated source systems (PDS, GP practices, hospital, community, social care).',
  usage:
    'Usage: mcr sim [--seed N] [--size N] [--static]\n\nThe population is deterministic from the seed; size up to 100000.\nThe whole region (300 practices, SDS, patient index) unless --static.',
  options: { seed: { type: 'string' }, size: { type: 'string' }, static: { type: 'boolean' } },
  async run(values, io) {
    const { startSims } = await import('../../../sim/start-sims.ts');
    const sims = await startSims({
      region: values.static !== true,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      size: values.size === undefined ? undefined : Number(values.size),
    });
    for (const line of describeSims(sims)) io.stdout(line);
    const stop = (): void => {
      void sims.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  },
});
