/** @module `mcr demo personas [--json]`: the named synthetic patients and their stories. */
import { listPersonas } from '../../../sim/population/personas.ts';
import { formatNhsNumber } from '../../identity/nhs-number.ts';
import { defineCommand } from '../command.ts';

export const personasCommand = defineCommand({
  path: ['demo', 'personas'],
  summary: 'List the demo’s named patients (NHS number, name, story).',
  usage: 'Usage: mcr demo personas [--json]',
  options: { json: { type: 'boolean' } },
  async run(values, io) {
    const personas = listPersonas().map(({ nhsNumber, name, story }) => ({
      nhsNumber,
      name,
      story,
    }));
    if (values.json === true) {
      io.stdout(JSON.stringify(personas, null, 2));
      return 0;
    }
    for (const persona of personas)
      io.stdout(
        `${formatNhsNumber(persona.nhsNumber)}  ${persona.name}\n              ${persona.story}`,
      );
    return 0;
  },
});
