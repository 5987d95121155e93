/**
 * Micro-benchmark: renders per second of the default naming template, compiled once.
 * Run: node --import ./hack/lib/ts-hooks.mjs hack/bench/template-bench.ts [seconds]
 */
import {
  GoStruct,
  compileTemplate,
  goTrimSpace,
  jsonToGoValue,
} from '../../operator/golang/template/index.js';

const DEFAULT_NAME = '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }}';
const seconds = Number(process.argv[2] ?? 3);

const tmpl = compileTemplate(DEFAULT_NAME);
const objects = Array.from({ length: 1000 }, (_, i) =>
  jsonToGoValue({
    metadata: { namespace: `namespace-${i % 37}`, name: `object-${i}` },
    spec: { replicas: i },
  }),
);
const contexts = objects.map((o) => new GoStruct({ Object: o, ClusterName: 'root:org:ws', ClusterPath: '' }));

// sanity check against the Go agent's vector (docs/compatibility.md#naming)
const check = goTrimSpace(
  tmpl.execute(
    new GoStruct({ Object: jsonToGoValue({ metadata: { namespace: 'objnamespace', name: 'objname' } }) }),
  ),
);
if (check !== '2928c2aa0e510f017f07-73d08a1ba188f1340dae') throw new Error(`wrong output: ${check}`);

// warm up
for (let i = 0; i < 20000; i++) tmpl.execute(contexts[i % contexts.length]);

let n = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
let now = start;
while (now < deadline) {
  for (let i = 0; i < 1000; i++) goTrimSpace(tmpl.execute(contexts[(n + i) % contexts.length]));
  n += 1000;
  now = process.hrtime.bigint();
}
const elapsed = Number(now - start) / 1e9;
console.log(
  `default naming template: ${Math.round(n / elapsed).toLocaleString('en-US')} renders/s (${n} renders in ${elapsed.toFixed(2)} s, one core)`,
);
