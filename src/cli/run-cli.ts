/** @module Parses `mcr` arguments and runs the matching command; returns the exit code. */
import { parseArgs } from 'node:util';
import { SharedCountersUnavailable } from '../access/shared-counters.ts';
import { ConfigError } from '../config/load-config.ts';
import { StoreNotFound } from '../store/store-errors.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import type { Command } from './command.ts';
import { auditVerifyCommand } from './commands/audit-verify.ts';
import { demoCommand } from './commands/demo.ts';
import { personasCommand } from './commands/personas.ts';
import { serveCommand } from './commands/serve.ts';
import { simCommand } from './commands/sim.ts';
import { sourcesCheckCommand } from './commands/sources-check.ts';
import { usersAddCommand, usersListCommand } from './commands/users.ts';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  personasCommand,
  simCommand,
  serveCommand,
  usersAddCommand,
  usersListCommand,
  auditVerifyCommand,
  sourcesCheckCommand,
];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.path.join(' ').length));
  return [
    'mcr — My Care Record: a consent-gated, read-only view of a patient’s health and care record.',
    '',
    'Usage: mcr <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`),
    '',
    'Run `mcr <command> --help` for a command’s options. Configuration: docs/configuration.md.',
  ].join('\n');
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(helpText());
    return 0;
  }
  const command = [...COMMANDS]
    .sort((a, b) => b.path.length - a.path.length)
    .find((candidate) => candidate.path.every((word, index) => argv[index] === word));
  if (command === undefined) {
    io.stderr(`mcr: unknown command "${argv.join(' ')}"\n`);
    io.stderr(helpText());
    return 2;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    const { values } = parseArgs({ args: rest, strict: true, options: command.options });
    return await command.run(values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mcr ${command.path.join(' ')}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof StoreNotFound) {
      io.stderr(`mcr ${command.path.join(' ')}: ${error.message}`);
      return 2;
    }
    if (error instanceof SharedCountersUnavailable) {
      // Redis is configured but does not answer: no start without the shared sign-in limits.
      io.stderr(`mcr ${command.path.join(' ')}: ${error.message}`);
      return 69;
    }
    if (error instanceof ConfigError) {
      io.stderr(`mcr: configuration error: ${error.message}`);
      return 78;
    }
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`mcr ${command.path.join(' ')}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}
