import { FINALIZER_CLEANUP, LABEL_AGENT_NAME, LABEL_REMOTE_CLUSTER } from './keys.js';
import { objectKeyAnnotations, objectKeyLabels } from './object-key.js';
import { planAdoption, planSync, type SyncInput, type SyncOptions } from './planner.js';
import { decodeState, encodeState } from './state.js';
import type { Unstructured } from './unstructured.js';

const key = { clusterName: 'ws1', workspacePath: '', namespace: 'default', name: 'my-crontab' };
const primaryOptions: SyncOptions = {
  agentName: 'agent',
  subresources: ['status'],
  syncStatusBack: true,
  syncStatusForward: false,
  blockSourceDeletion: true,
  forceDelete: false,
  metadataOnDestination: true,
  sourceKey: key,
};

function remote(extra: Unstructured = {}): Unstructured {
  return {
    apiVersion: 'kcp.example.com/v1',
    kind: 'CronTab',
    metadata: {
      name: 'my-crontab',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '10',
      finalizers: [FINALIZER_CLEANUP],
      annotations: { 'kcp.io/cluster': 'ws1' },
      labels: { team: 'a' },
    },
    spec: { image: 'ubuntu', replicas: 2 },
    ...extra,
  };
}

function input(over: Partial<SyncInput>): SyncInput {
  return {
    source: remote(),
    destination: undefined,
    lastKnownState: undefined,
    options: primaryOptions,
    mutateSpec: (s) => s,
    mutateStatus: (d) => d,
    buildDestination: (s) => ({
      ...structuredClone(s),
      apiVersion: 'example.com/v1',
      metadata: { ...structuredClone(s.metadata), name: 'local-name', namespace: 'ws1' },
    }),
    ...over,
  };
}

function localCopy(over: Unstructured = {}): Unstructured {
  return {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: {
      name: 'local-name',
      namespace: 'ws1',
      resourceVersion: '3',
      labels: { team: 'a', ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'agent' },
      annotations: objectKeyAnnotations(key),
    },
    spec: { image: 'ubuntu', replicas: 2 },
    ...over,
  };
}

describe('planSync: primary lifecycle', () => {
  test('a new object first gets the cleanup finalizer, kept sorted with existing ones', () => {
    const src = remote();
    src.metadata.finalizers = ['z.example.com/keep', 'a.example.com/keep'];
    const p = planSync(input({ source: src }));
    expect(p.requeue).toBe(true);
    expect(p.actions).toEqual([
      {
        type: 'patchSource',
        patch: { metadata: { finalizers: ['a.example.com/keep', FINALIZER_CLEANUP, 'z.example.com/keep'] } },
        event: expect.objectContaining({ reason: 'ObjectAccepted' }),
      },
    ]);
  });

  test('then the local copy is created, stripped, with sync labels and annotations, and the state stored', () => {
    const p = planSync(input({}));
    expect(p.requeue).toBe(true);
    expect(p.actions).toHaveLength(1);
    const a = p.actions[0]!;
    if (a.type !== 'createDestination') throw new Error(a.type);
    expect(a.namespace).toBe('ws1');
    expect(a.object.metadata).toEqual({
      name: 'local-name',
      namespace: 'ws1',
      labels: { team: 'a', ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'agent' },
      annotations: objectKeyAnnotations(key),
    });
    expect(a.object.spec).toEqual({ image: 'ubuntu', replicas: 2 });
    expect(a.event.reason).toBe('ObjectPlaced');
    expect(a.state).toBe(
      '{"apiVersion":"kcp.example.com/v1","kind":"CronTab","metadata":{"labels":{"team":"a"},"name":"my-crontab","namespace":"default"},"spec":{"image":"ubuntu","replicas":2}}',
    );
  });

  test('in sync: nothing to write, no requeue', () => {
    const state = decodeState(encodeState(remote(), ['status']));
    const p = planSync(input({ destination: localCopy(), lastKnownState: state }));
    expect(p).toEqual({ actions: [], requeue: false, reason: 'in sync' });
  });

  test('a kcp change is merge-patched; a service-side edit of another field survives', () => {
    const state = decodeState(encodeState(remote(), ['status']));
    const src = remote({ spec: { image: 'debian', replicas: 2 } });
    const dest = localCopy({ spec: { image: 'ubuntu', replicas: 2, tuned: 'by-provider' } });
    const p = planSync(input({ source: src, destination: dest, lastKnownState: state }));
    expect(p.requeue).toBe(true);
    expect(p.actions).toEqual([
      {
        type: 'patchDestination',
        patch: { spec: { image: 'debian' } },
        event: expect.objectContaining({ reason: 'ObjectSynced' }),
        state: expect.stringContaining('"image":"debian"'),
      },
    ]);
  });

  test('missing sync labels on the copy are restored by the patch', () => {
    const state = decodeState(encodeState(remote(), ['status']));
    const dest = localCopy();
    delete dest.metadata.labels[LABEL_REMOTE_CLUSTER];
    const p = planSync(input({ destination: dest, lastKnownState: state }));
    expect(p.actions[0]).toMatchObject({
      type: 'patchDestination',
      patch: { metadata: { labels: { [LABEL_REMOTE_CLUSTER]: 'ws1' } } },
    });
  });

  test('without state every spec key is overwritten and labels merged, via a full update', () => {
    const dest = localCopy({ spec: { image: 'old', extra: 1 } });
    dest.metadata.labels.local = 'keep';
    const p = planSync(input({ destination: dest }));
    const a = p.actions[0]!;
    if (a.type !== 'updateDestination') throw new Error(a.type);
    expect(a.object.spec).toEqual({ image: 'ubuntu', replicas: 2 });
    expect(a.object.metadata.labels.local).toBe('keep');
    expect(a.object.metadata.resourceVersion).toBe('3');
  });

  test('local status flows back to kcp when spec is in sync', () => {
    const state = decodeState(encodeState(remote(), ['status']));
    const p = planSync(input({ destination: localCopy({ status: { ready: true } }), lastKnownState: state }));
    expect(p.requeue).toBe(false);
    expect(p.actions).toEqual([
      {
        type: 'updateSourceStatus',
        object: expect.objectContaining({ status: { ready: true }, spec: { image: 'ubuntu', replicas: 2 } }),
        event: expect.objectContaining({ reason: 'ObjectStatusSynced' }),
      },
    ]);
  });

  test('status is not sent back while the spec is being patched', () => {
    const state = decodeState(encodeState(remote(), ['status']));
    const src = remote({ spec: { image: 'debian', replicas: 2 } });
    const p = planSync(
      input({ source: src, destination: localCopy({ status: { ready: true } }), lastKnownState: state }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['patchDestination']);
  });

  test('a copy being deleted by someone else pauses syncing', () => {
    const dest = localCopy();
    dest.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(planSync(input({ destination: dest }))).toEqual({
      actions: [],
      requeue: false,
      reason: 'destination is being deleted',
    });
  });
});

describe('planSync: deletion', () => {
  const deleting = () => {
    const s = remote();
    s.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    return s;
  };

  test('deletes the local copy first', () => {
    const p = planSync(input({ source: deleting(), destination: localCopy() }));
    expect(p.actions).toEqual([
      { type: 'deleteDestination', event: expect.objectContaining({ reason: 'ObjectCleanup' }) },
    ]);
    expect(p.requeue).toBe(true);
  });

  test('waits while the copy disappears', () => {
    const dest = localCopy();
    dest.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(planSync(input({ source: deleting(), destination: dest }))).toMatchObject({
      actions: [],
      requeue: true,
    });
  });

  test('then releases the finalizer, keeping the others sorted', () => {
    const src = deleting();
    src.metadata.finalizers = ['b/keep', FINALIZER_CLEANUP, 'a/keep'];
    const p = planSync(input({ source: src }));
    expect(p.actions).toEqual([
      {
        type: 'patchSource',
        patch: { metadata: { finalizers: ['a/keep', 'b/keep'] } },
        event: expect.objectContaining({ reason: 'ObjectDeleted' }),
      },
    ]);
  });

  test('an empty finalizer list is sent as []', () => {
    const p = planSync(input({ source: deleting() }));
    expect(p.actions[0]).toMatchObject({ patch: { metadata: { finalizers: [] } } });
  });

  test('nothing to do once released', () => {
    const src = deleting();
    src.metadata.finalizers = [];
    expect(planSync(input({ source: src }))).toMatchObject({ actions: [], requeue: false });
  });

  test('without blockSourceDeletion nothing is cleaned up', () => {
    const p = planSync(
      input({
        source: deleting(),
        destination: localCopy(),
        options: { ...primaryOptions, blockSourceDeletion: false },
      }),
    );
    expect(p).toMatchObject({ actions: [], requeue: false });
  });
});

describe('planSync: related objects', () => {
  const relatedOptions: SyncOptions = {
    ...primaryOptions,
    agentName: '',
    subresources: ['status'],
    syncStatusBack: false,
    syncStatusForward: true,
    blockSourceDeletion: false,
    metadataOnDestination: false,
  };
  const secret = (data: Unstructured, extra: Unstructured = {}): Unstructured => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'ns', resourceVersion: '1' },
    data,
    ...extra,
  });

  test('copies carry no sync metadata', () => {
    const p = planSync(
      input({
        source: secret({ a: 'YQ==' }),
        options: relatedOptions,
        buildDestination: (s) => structuredClone(s),
      }),
    );
    const a = p.actions[0]!;
    if (a.type !== 'createDestination') throw new Error(a.type);
    expect(a.object.metadata).toEqual({ name: 's', namespace: 'ns' });
  });

  test('status flows forward together with a spec patch', () => {
    const state = decodeState(encodeState(secret({ a: 'YQ==' }), ['status']));
    const p = planSync(
      input({
        source: secret({ a: 'Yg==' }, { status: { phase: 'x' } }),
        destination: secret({ a: 'YQ==' }),
        lastKnownState: state,
        options: relatedOptions,
        buildDestination: (s) => s,
      }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['patchDestination', 'updateDestinationStatus']);
    expect(p.actions[1]).toMatchObject({ object: { status: { phase: 'x' } } });
  });

  test('a destination found without state is adopted with its content kept, then patched', () => {
    const source = secret({ a: 'ZnJvbS1zb3VyY2U=' });
    const existing = secret(
      { a: 'cHJlLWV4aXN0aW5n', b: 'b3du' },
      { metadata: { name: 's', namespace: 'ns', resourceVersion: '7', labels: { own: 'x' } } },
    );
    const adopt = planSync(
      input({
        source,
        destination: existing,
        options: { ...relatedOptions, adoptExisting: true },
        buildDestination: (s) => s,
      }),
    );
    const a = adopt.actions[0]!;
    if (a.type !== 'updateDestination') throw new Error(a.type);
    expect(a.event.reason).toBe('ObjectPlaced');
    expect(a.object.data).toEqual({ a: 'cHJlLWV4aXN0aW5n', b: 'b3du' });
    expect(a.object.metadata.resourceVersion).toBe('7');
    expect(a.object.metadata.labels).toMatchObject({ own: 'x', ...objectKeyLabels(key) });
    // the stored state is the source, so only later source changes flow
    const state = decodeState(a.state);
    const again = planSync(
      input({
        source,
        destination: a.object,
        lastKnownState: state,
        options: { ...relatedOptions, adoptExisting: true },
        buildDestination: (s) => s,
      }),
    );
    expect(again.actions).toEqual([]);
    const edited = planSync(
      input({
        source: secret({ a: 'ZWRpdGVk' }),
        destination: a.object,
        lastKnownState: state,
        options: { ...relatedOptions, adoptExisting: true },
        buildDestination: (s) => s,
      }),
    );
    expect(edited.actions[0]).toMatchObject({ type: 'patchDestination', patch: { data: { a: 'ZWRpdGVk' } } });
    // without adoptExisting (the Go agent's way for every object) the source overwrites
    const overwrite = planSync(
      input({ source, destination: existing, options: relatedOptions, buildDestination: (s) => s }),
    );
    expect(overwrite.actions[0]).toMatchObject({
      type: 'updateDestination',
      object: { data: { a: 'ZnJvbS1zb3VyY2U=' } },
    });
  });
});

describe('mutations and adoption', () => {
  test('the spec mutation sees the tentative destination and shapes copy and state', () => {
    let seenOther: Unstructured | undefined;
    const p = planSync(
      input({
        mutateSpec: (s, other) => {
          seenOther = other;
          return { ...s, spec: { ...s.spec, image: 'mutated' } };
        },
      }),
    );
    expect(seenOther?.metadata?.name).toBe('local-name');
    const a = p.actions[0]!;
    if (a.type !== 'createDestination') throw new Error(a.type);
    expect(a.object.spec.image).toBe('mutated');
    expect(a.state).toContain('"image":"mutated"');
  });

  test('adoption keeps content and adds sync metadata; an object being deleted is not adopted', () => {
    const existing = localCopy({ spec: { image: 'provider-chosen' } });
    existing.metadata.labels = { own: 'x' };
    existing.metadata.annotations = {};
    const plan = planAdoption(existing, primaryOptions);
    if (plan.type !== 'adopt') throw new Error(plan.type);
    const adopted = plan.object;
    expect(adopted.spec.image).toBe('provider-chosen');
    expect(adopted.metadata.labels).toEqual({
      own: 'x',
      ...objectKeyLabels(key),
      [LABEL_AGENT_NAME]: 'agent',
    });
    existing.metadata.deletionTimestamp = 'now';
    expect(planAdoption(existing, primaryOptions)).toEqual({ type: 'wait' });
  });
});

describe('planSync: ownership of the destination', () => {
  const other = { clusterName: 'ws2', workspacePath: '', namespace: 'default', name: 'my-crontab' };
  const foreignCopy = () =>
    localCopy({
      metadata: {
        name: 'local-name',
        namespace: 'ws1',
        labels: { ...objectKeyLabels(other), [LABEL_AGENT_NAME]: 'agent' },
        annotations: objectKeyAnnotations(other),
      },
    });

  test('adoption after AlreadyExists refuses an object that belongs to another kcp object', () => {
    expect(planAdoption(foreignCopy(), primaryOptions)).toEqual({
      type: 'collision',
      owner: 'ws2/default/my-crontab (agent agent)',
    });
  });

  test("adoption refuses another agent's copy", () => {
    const theirs = localCopy();
    theirs.metadata.labels = { ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'someone-else' };
    expect(planAdoption(theirs, primaryOptions)).toMatchObject({ type: 'collision' });
  });

  test("a destination of another agent found by this object's labels is left alone", () => {
    const theirs = localCopy();
    theirs.metadata.labels = { ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'someone-else' };
    const p = planSync(input({ destination: theirs, lastKnownState: undefined }));
    expect(p.actions).toEqual([{ type: 'collision', owner: expect.stringContaining('someone-else') }]);
    expect(p.requeue).toBe(false);
  });

  test('deleting the source never deletes a destination that is not ours; the source is released', () => {
    const theirs = localCopy();
    theirs.metadata.labels = { ...objectKeyLabels(key), [LABEL_AGENT_NAME]: 'someone-else' };
    const src = remote();
    src.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    const p = planSync(input({ source: src, destination: theirs }));
    expect(p.actions.map((a) => a.type)).toEqual(['patchSource']);
    expect(p.actions.some((a) => a.type === 'deleteDestination')).toBe(false);
  });

  test('a related destination that carries another identity is not adopted', () => {
    const p = planSync(
      input({
        source: remote(),
        destination: foreignCopy(),
        options: { ...primaryOptions, agentName: '', metadataOnDestination: false, adoptExisting: true },
      }),
    );
    expect(p.actions).toEqual([{ type: 'collision', owner: expect.stringContaining('ws2') }]);
  });
});
