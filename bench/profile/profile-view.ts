/**
 * @module Profiles the record view at saturation (issue #15): the bench's server
 * (bench/view-server-child.ts) in its own process under `node --cpu-prof`, the sims and the clients
 * in this one, JSON views of the record bench's population (the typical persona first) from
 * `--clients` loops for `--seconds`. Prints views/s and the server's CPU per view (from
 * /proc/{pid}/stat) and writes the .cpuprofile into `--out` (read it with summarise-profile.ts).
 *
 * `node bench/profile/profile-view.ts --clients 16 --seconds 20 --out /tmp/prof`
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSims } from '../../sim/start-sims.ts';
import type { ChildAnswer, ChildSetup } from '../view-server-child.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '20' },
    patients: { type: 'string', default: '40' },
    out: { type: 'string', default: '/tmp/mcr-profile' },
    'no-profile': { type: 'boolean', default: false },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
mkdirSync(values.out, { recursive: true });

/** The process's user + system CPU time in milliseconds (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const sims = await startSims({ size: 200 });
const large = '9990001014';
const patients = Array.from({ length: Number(values.patients) + 1 }, (_, i) =>
  sims.population.nhsNumberAt(i),
)
  .filter((nhs) => nhs !== large)
  .slice(0, Number(values.patients));
const setup: ChildSetup = {
  demographicsUrl: sims.demographicsUrl,
  sources: sims.sourcesConfig(),
  patients,
};
const execArgv = ['--expose-gc'];
if (!values['no-profile']) execArgv.push('--cpu-prof', `--cpu-prof-dir=${values.out}`);
const child = fork(fileURLToPath(new URL('../view-server-child.ts', import.meta.url)), [], {
  execArgv,
  env: { ...process.env, MCR_BENCH_CHILD: JSON.stringify(setup) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = await new Promise<Extract<ChildAnswer, { kind: 'ready' }>>((resolve) => {
  child.on('message', (answer: ChildAnswer) => {
    if (answer.kind === 'ready') resolve(answer);
  });
});
const view = async (i: number): Promise<void> => {
  const response = await fetch(
    new URL(`/api/patients/${patients[i % patients.length]}/record`, ready.url),
    {
      headers: { cookie: ready.cookie },
    },
  );
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`record view answered ${response.status}`);
};
// Warm up: every patient once (the R4 connectors read each CapabilityStatement at first view).
for (let i = 0; i < patients.length; i += 1) await view(i);
const pid = child.pid ?? 0;
const cpuBefore = cpuMs(pid);
const started = performance.now();
const endAt = started + seconds * 1000;
let views = 0;
await Promise.all(
  Array.from({ length: clients }, async (_, client) => {
    for (let i = client; performance.now() < endAt; i += clients) {
      await view(i);
      views += 1;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const cpu = cpuMs(pid) - cpuBefore;
process.stdout.write(
  `${clients} clients, ${views} views in ${elapsed.toFixed(1)} s: ${(views / elapsed).toFixed(1)} views/s, server CPU ${(cpu / views).toFixed(2)} ms per view (${((cpu / 1000 / elapsed) * 100).toFixed(0)} % of a core)\n`,
);
const exited = new Promise((resolve) => child.once('exit', resolve));
child.send({ cmd: 'close' });
await exited;
await sims.close();
