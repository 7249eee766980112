/**
 * @module Sums a V8 .cpuprofile's self time by function, by file and by area (node_modules
 * package, node internals, src/ module), and the inclusive time of the functions given with
 * `--under name` (several allowed). `node bench/profile/summarise-profile.ts x.cpuprofile [--top 40]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    under: { type: 'string', multiple: true },
    'last-seconds': { type: 'string' },
    inclusive: { type: 'boolean', default: false },
  },
});
const profile = JSON.parse(readFileSync(positionals[0] ?? '', 'utf8')) as Profile;
const top = Number(values.top);

// Only the samples of the last N seconds (the load, not the start-up), when asked.
const at: number[] = [];
let clock = 0;
for (const delta of profile.timeDeltas) at.push((clock += delta));
const from =
  values['last-seconds'] === undefined ? -Infinity : clock - Number(values['last-seconds']) * 1e6;
const counted = (i: number): boolean => (at[i] ?? 0) >= from;

const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if (!counted(i)) return;
  const delta = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + delta);
  total += delta;
});
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\/\/(?:work|tmp)\/[^/]+\//, '')
    .replace(/^.*node_modules\//, 'node_modules/');
function area(frame: CallFrame): string {
  const url = shortUrl(frame.url);
  if (url === '') return `(${frame.functionName || 'native'})`;
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const src = /^(src|bench|sim)\/([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url;
}

/** Coarse groups for a before/after table (the source HTTP client includes Node's shared socket code). */
const GROUPS: readonly (readonly [string, RegExp])[] = [
  [
    'source HTTP client (undici, node:http client, sockets, fetch-source)',
    /^(undici|node:_http_(client|agent|outgoing|common)|node:net|node:internal\/(streams|stream_base_commons)|node:events|\(writeLatin1String\)|src\/http)/,
  ],
  ['SQLite and Kysely (src/store, kysely)', /^(src\/store|kysely)/],
  ['GP Connect read and STU3→R4 mapping', /^(src\/record\/gp-connect|src\/sources\/gp-connect)/],
  ['R4 connector and other sources code', /^src\/sources/],
  ['record assembly, reconciliation', /^src\/record/],
  ['policy filter, access, sessions', /^src\/access/],
  ['audit (canonical JSON, chain, monitoring)', /^(src\/audit|node:internal\/crypto)/],
  ['garbage collector', /^\(\(garbage collector\)\)/],
  ['idle', /^\(\(idle\)\)/],
  [
    'Fastify, response serialisation',
    /^(fastify|fast-json-stringify|find-my-way|@fastify|avvio|light-my-request|\(anonymous\d+\)|\(writeUtf8String\)|src\/server|node:_http_(server|incoming))/,
  ],
];
function group(frame: CallFrame): string {
  const name = area(frame);
  const file = shortUrl(frame.url);
  return GROUPS.find(([, pattern]) => pattern.test(file) || pattern.test(name))?.[0] ?? 'other';
}

const sum = (key: (frame: CallFrame) => string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const k = key(node.callFrame);
    out.set(k, (out.get(k) ?? 0) + us);
  }
  return out;
};
const print = (title: string, table: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(
      `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
    );
};

process.stdout.write(
  `total ${(total / 1000).toFixed(0)} ms in ${profile.samples.length} samples\n`,
);
print('self time by area', sum(area));
print('self time by group', sum(group));
print(
  'self time by file',
  sum((f) => shortUrl(f.url) || `(${f.functionName})`),
);
print(
  'self time by function',
  sum((f) => `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}:${f.lineNumber + 1}`),
);

const fnKey = (f: CallFrame): string =>
  `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
if (values.inclusive) {
  // Inclusive time by function: each sample counted once for every distinct function on its stack.
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (!counted(i)) return;
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = byId.get(node)?.callFrame;
      if (frame !== undefined) seen.add(fnKey(frame));
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  print('inclusive time by function', inclusive);
}

// Inclusive time under each named function (counted once per sample however deep it recurses).
for (const name of values.under ?? []) {
  let us = 0;
  profile.samples.forEach((id, i) => {
    if (!counted(i)) return;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)?.callFrame.functionName === name) {
        us += profile.timeDeltas[i] ?? 0;
        break;
      }
    }
  });
  process.stdout.write(
    `\ninclusive under ${name}: ${((us / total) * 100).toFixed(1)} % (${(us / 1000).toFixed(0)} ms)\n`,
  );
}
