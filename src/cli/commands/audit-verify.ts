/** @module `mcr audit verify`: re-checks the whole audit chain and names the first bad entry. */
import { runAuditVerify } from '../../audit/verify-command.ts';
import { parseArgs } from 'node:util';
import type { Command } from '../run-cli.ts';
import { configForCommand, storeForCommand } from './command-options.ts';

export const auditVerifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: 'Verify the audit trail’s hash chain; names the first bad entry.',
  usage:
    'Usage: mcr audit verify [--config FILE]\n\nExit codes: 0 intact, 1 tampered, 2 unreadable.',
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      options: { config: { type: 'string' } },
    });
    const config = configForCommand(values.config, io);
    const store = await storeForCommand(config);
    try {
      return await runAuditVerify(store, io.stdout);
    } finally {
      await store.close();
    }
  },
};
