/**
 * Micro-benchmark: mutations per second for a typical 3-step mutation list (regex, template, cel),
 * compiled once, and default-name renders per second through compileNaming.
 * Run: node --import ./hack/lib/ts-hooks.mjs hack/bench/mutation-bench.ts [seconds]
 */
import { compileMutations } from '../../operator/engine/mutation/index.js';
import { compileNaming } from '../../operator/engine/naming/index.js';

const seconds = Number(process.argv[2] ?? 3);

function measure(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) fn(n + i);
    n += 200;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - start) / 1e9;
  console.log(`${label}: ${Math.round(n / secs).toLocaleString('en-US')} /s (${n} in ${secs.toFixed(2)} s)`);
}

const objects = Array.from({ length: 100 }, (_, i) => ({
  apiVersion: 'example.com/v1',
  kind: 'Database',
  metadata: {
    name: `db-${i}`,
    namespace: `tenant-${i % 7}`,
    labels: { app: 'db', tier: 'backend' },
    annotations: { note: 'x'.repeat(40) },
  },
  spec: {
    image: `postgres:16.${i}`,
    replicas: i % 5,
    storage: { size: '10Gi', class: 'fast' },
    users: ['a', 'b'],
  },
}));
const other = { spec: { image: 'postgres:16.0', replicas: 1 } };

const mutator = compileMutations({
  spec: [
    {
      regex: {
        path: 'spec.image',
        pattern: '^postgres:(\\d+)\\..*$',
        replacement: 'registry.local/postgres:$1',
      },
    },
    {
      template: {
        path: 'metadata.annotations.origin',
        template: '{{ .LocalObject.metadata.namespace }}/{{ .Value.String }}',
      },
    },
    { cel: { path: 'spec.replicas', expression: 'self.spec.replicas + 1.0' } },
  ],
});
const sample = mutator.mutateSpec(objects[3]!, other) as { spec: { image: string; replicas: number } };
if (sample.spec.image !== 'registry.local/postgres:16' || sample.spec.replicas !== 4) {
  throw new Error(`unexpected mutation result ${JSON.stringify(sample)}`);
}
measure('3-step mutation (regex, template, cel)', (i) =>
  mutator.mutateSpec(objects[i % objects.length]!, other),
);

const naming = compileNaming(undefined);
const check = naming.name({
  object: { metadata: { namespace: 'objnamespace', name: 'objname' } },
  clusterName: 'c',
  clusterPath: '',
});
if (check !== '2928c2aa0e510f017f07-73d08a1ba188f1340dae') throw new Error(`wrong default name: ${check}`);
measure('default name (compileNaming)', (i) =>
  naming.name({ object: objects[i % objects.length]!, clusterName: 'root:org:ws', clusterPath: '' }),
);
const templated = compileNaming({
  name: '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }} ',
});
measure('default name via the template engine', (i) =>
  templated.name({ object: objects[i % objects.length]!, clusterName: 'root:org:ws', clusterPath: '' }),
);
