// `node --import ./hack/lib/ts-hooks.mjs hack/bench/agent/heapsnapshot-retainers.ts <file.heapsnapshot> <prefix> [depth]`:
// who keeps the strings that start with <prefix> alive. For every such string it walks up the first
// strong retainer `depth` times (default 6) and counts the chains, e.g.
//   "4000  string <- .data[k] object Object <- .data object Object <- [i] array <- .items Map ..."
// so a group found by heapsnapshot-top.ts can be traced to the cache, queue or map holding it.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const [file, prefix, depthArg] = process.argv.slice(2);
if (!file || prefix === undefined)
  throw new Error('usage: heapsnapshot-retainers.ts <file.heapsnapshot> <prefix> [depth]');
const depth = Number(depthArg ?? 6);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
const NW = nf.length;
const EW = ef.length;
const nType = nf.indexOf('type');
const nName = nf.indexOf('name');
const nEdges = nf.indexOf('edge_count');
const eType = ef.indexOf('type');
const eName = ef.indexOf('name_or_index');
const eTo = ef.indexOf('to_node');
const nodeTypes = nt[0];
const edgeTypes = et[0];
const nodeCount = snap.nodes.length / NW;

// Reverse edges: for each node, its first strong retainer (node index and edge label).
const retainer = new Int32Array(nodeCount).fill(-1);
const retainerEdge: string[] = new Array<string>(nodeCount);
let e = 0;
for (let n = 0; n < nodeCount; n++) {
  const count = snap.nodes[n * NW + nEdges]!;
  for (let k = 0; k < count; k++, e += EW) {
    const type = edgeTypes[snap.edges[e + eType]!];
    if (type === 'weak' || type === 'shortcut') continue;
    const to = snap.edges[e + eTo]! / NW;
    if (retainer[to] !== -1) continue;
    const raw = snap.edges[e + eName]!;
    const label =
      type === 'element' || type === 'hidden'
        ? `[${type === 'element' ? 'i' : 'h'}]`
        : `.${snap.strings[raw]}`;
    retainer[to] = n;
    retainerEdge[to] = label.replace(/\d+/g, 'N').slice(0, 40);
  }
}

const describe = (n: number): string => {
  const type = nodeTypes[snap.nodes[n * NW + nType]!] ?? '?';
  const name = type === 'string' ? '' : (snap.strings[snap.nodes[n * NW + nName]!] ?? '');
  return `${type} ${name.slice(0, 40)}`.trim();
};

const chains = new Map<string, number>();
let matched = 0;
for (let n = 0; n < nodeCount; n++) {
  if (nodeTypes[snap.nodes[n * NW + nType]!] !== 'string') continue;
  if (!(snap.strings[snap.nodes[n * NW + nName]!] ?? '').startsWith(prefix)) continue;
  matched++;
  const parts = [describe(n)];
  let cur = n;
  for (let d = 0; d < depth && retainer[cur] !== -1; d++) {
    parts.push(`<- ${retainerEdge[cur]} ${describe(retainer[cur]!)}`);
    cur = retainer[cur]!;
  }
  const key = parts.join(' ');
  chains.set(key, (chains.get(key) ?? 0) + 1);
}
console.log(`${matched} strings start with ${JSON.stringify(prefix)}`);
for (const [k, c] of [...chains.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${String(c).padStart(7)}  ${k}`);
