/**
 * @module What an `mcr` command is: the words that select it, its help, the options it takes and
 * what it runs with their values. `run-cli.ts` parses every command's arguments, once.
 */
import type { parseArgs, ParseArgsOptionsConfig } from 'node:util';
import type { CliIo } from './cli-io.ts';

/** What `node:util` parseArgs makes of a command's options, read strictly (an unknown one is a usage error). */
export type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; strict: true }>
>['values'];

export interface Command<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> {
  /** Words that select it, e.g. `['users', 'add']`. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  /** The options it takes, as parseArgs reads them (run-cli.ts parses every command's arguments). */
  readonly options: O;
  run(values: OptionValues<O>, io: CliIo): Promise<number>;
}

/** A command, its option values typed from its options. */
export function defineCommand<const O extends ParseArgsOptionsConfig>(
  command: Command<O>,
): Command<O> {
  return command;
}
