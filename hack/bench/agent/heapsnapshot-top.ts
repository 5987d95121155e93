// `node --import ./hack/lib/ts-hooks.mjs hack/bench/agent/heapsnapshot-top.ts <file.heapsnapshot> [N]`:
// the N largest groups of a V8 heap snapshot by self size (grouped by node type and constructor/name:
// "object Foo", "string", "code", ...), with counts, so a snapshot of the agent (taken with
// BENCH_AGENT_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 and `kill -USR2 <agent pid>`) can be read
// without DevTools. Self sizes only: what each group holds itself, not what it keeps alive.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const [file, nArg] = process.argv.slice(2);
if (!file) throw new Error('usage: heapsnapshot-top.ts <file.heapsnapshot> [N]');
const top = Number(nArg ?? 30);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const groups = new Map<string, { size: number; count: number }>();
// Strings grouped by their first 50 characters (hex runs and digits folded), to tell what they are.
const stringGroups = new Map<string, { size: number; count: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType]!] ?? '?';
  const size = snap.nodes[i + iSize]!;
  total += size;
  // Strings and numbers are grouped by type only (their "name" is their content).
  const name = ['object', 'closure', 'native', 'code'].includes(type)
    ? snap.strings[snap.nodes[i + iName]!]
    : '';
  const key = `${type} ${(name ?? '').slice(0, 60)}`.trim();
  if (type === 'string') {
    const text = snap.strings[snap.nodes[i + iName]!] ?? '';
    const prefix = JSON.stringify(
      text
        .replace(/[0-9a-f]{8,}/g, 'H')
        .replace(/\d+/g, 'N')
        .slice(0, 50),
    );
    const sg = stringGroups.get(prefix) ?? { size: 0, count: 0 };
    sg.size += size;
    sg.count++;
    stringGroups.set(prefix, sg);
  }
  const g = groups.get(key) ?? { size: 0, count: 0 };
  g.size += size;
  g.count++;
  groups.set(key, g);
}
const print = (m: Map<string, { size: number; count: number }>, n: number): void => {
  for (const [k, g] of [...m.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, n)) {
    console.log(`${(g.size / 1048576).toFixed(2).padStart(8)} MiB ${String(g.count).padStart(9)}  ${k}`);
  }
};
console.log(`${file}: ${(total / 1048576).toFixed(1)} MiB in ${snap.nodes.length / width} nodes`);
print(groups, top);
console.log('largest string groups (by prefix):');
print(stringGroups, 15);
