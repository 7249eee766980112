/**
 * @module Starts the server under a heap measure in its own process (bench/view-server-child.ts,
 * with `--expose-gc`) over sims running in this one, and asks it for heap figures.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildAnswer, ChildCommand, ChildSetup } from './view-server-child.ts';

/** The server in its child process. */
export interface ViewServer {
  readonly url: string;
  readonly cookie: string;
  /** Sends a command and waits for the answer of that kind. */
  ask<K extends ChildAnswer['kind']>(
    command: ChildCommand,
    kind: K,
  ): Promise<Extract<ChildAnswer, { kind: K }>>;
  close(): Promise<void>;
}

export async function startViewServer(setup: ChildSetup): Promise<ViewServer> {
  const child = fork(fileURLToPath(new URL('./view-server-child.ts', import.meta.url)), [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, MCR_BENCH_CHILD: JSON.stringify(setup) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <K extends ChildAnswer['kind']>(kind: K) =>
    new Promise<Extract<ChildAnswer, { kind: K }>>((resolve, reject) => {
      const onMessage = (answer: ChildAnswer): void => {
        if (answer.kind !== kind) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(answer as Extract<ChildAnswer, { kind: K }>);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`the bench server exited (${String(code)}) before answering ${kind}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    url: ready.url,
    cookie: ready.cookie,
    ask(command, kind) {
      const answer = next(kind);
      child.send(command);
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ cmd: 'close' } satisfies ChildCommand);
      await exited;
    },
  };
}
