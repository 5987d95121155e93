import { compileMutations } from '../mutation/index.js';
import {
  assertObjectLimits,
  checkObjectLimits,
  describeObject,
  jsonDepth,
  MAX_OBJECT_DEPTH,
  ObjectLimitError,
  syncErrorEvent,
} from './limits.js';
import { planSync, type SyncOptions } from './planner.js';
import { decodeState } from './state.js';
import { deepCopy } from './unstructured.js';

/** A CronTab whose spec nests so that the whole object has exactly `depth` levels. */
function deepCronTab(depth: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { leaf: 'x' };
  for (let d = 2; d < depth; d++) inner = { a: inner };
  return {
    apiVersion: 'kcp.example.com/v1',
    kind: 'CronTab',
    metadata: { name: 'deep', namespace: 'default', finalizers: ['syncagent.kcp.io/cleanup'] },
    spec: inner,
  };
}

describe('jsonDepth', () => {
  it('counts objects and arrays, scalars are 0', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth([])).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }], c: 'x' })).toBe(3);
    expect(jsonDepth(deepCronTab(50))).toBe(50);
  });

  it('does not recurse: a million levels are measured without a stack overflow', () => {
    let v: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) v = i % 2 ? [v] : { k: v };
    expect(jsonDepth(v)).toBe(1_000_000);
    expect(jsonDepth(v, 10)).toBe(11);
    expect(jsonDepth(v, 500)).toBe(501);
    expect(jsonDepth({ a: [{}, { b: [[]] }], c: {} }, 3)).toBe(4);
    expect(jsonDepth({ a: [{}, { b: [[]] }], c: {} }, 5)).toBe(5);
    expect(checkObjectLimits({ x: 1, a: [1, [2, { b: { c: {} } }]] }, 4)).toEqual({
      kind: 'depth',
      limit: 4,
      path: 'a[1][1].b',
    });
  });
});

describe('deepCopy', () => {
  it('copies without recursion and without sharing', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) v = i % 2 ? [v, i] : { k: v, n: null };
    const c = deepCopy(v);
    expect(c).not.toBe(v);
    expect(jsonDepth(c)).toBe(200_000);
    const small = { a: [1, { b: 'x' }], c: true, d: null };
    const copy = deepCopy(small);
    expect(copy).toEqual(small);
    (copy.a[1] as { b: string }).b = 'y';
    expect((small.a[1] as { b: string }).b).toBe('x');
  });
});

describe('checkObjectLimits', () => {
  it('accepts MAX_OBJECT_DEPTH and refuses one more, naming the path', () => {
    expect(checkObjectLimits(deepCronTab(MAX_OBJECT_DEPTH))).toBeUndefined();
    const v = checkObjectLimits(deepCronTab(MAX_OBJECT_DEPTH + 1));
    expect(v).toEqual({
      kind: 'depth',
      limit: MAX_OBJECT_DEPTH,
      path: expect.stringMatching(/^spec\.a\.a\.a\.\.\./),
    });
    expect(checkObjectLimits({ a: [[{ b: {} }]] }, 4)).toEqual({
      kind: 'depth',
      limit: 4,
      path: 'a[0][0].b',
    });
  });

  it('assertObjectLimits throws an ObjectLimitError naming the object and the limit', () => {
    const obj = deepCronTab(MAX_OBJECT_DEPTH + 5);
    expect(() =>
      assertObjectLimits([
        { role: 'fine', object: { a: 1 } },
        { role: 'missing', object: undefined },
      ]),
    ).not.toThrow();
    let err: unknown;
    try {
      assertObjectLimits([{ role: `kcp object ${describeObject(obj)}`, object: obj }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ObjectLimitError);
    const ev = syncErrorEvent(err);
    expect(ev?.type).toBe('Warning');
    expect(ev?.reason).toBe('ObjectRefused');
    expect(ev?.message).toContain('kcp object CronTab default/deep');
    expect(ev?.message).toContain(`limit of ${MAX_OBJECT_DEPTH} levels`);
  });
});

describe('syncErrorEvent', () => {
  it('quotes the server for 422 Invalid, truncated; leaves other errors to the caller', () => {
    const invalid = {
      status: 422,
      body: { message: 'CronTab.example.com "x" is invalid: spec.cron: Required value' },
    };
    expect(syncErrorEvent(invalid)).toEqual({
      type: 'Warning',
      reason: 'ObjectInvalid',
      message: expect.stringContaining('spec.cron: Required value'),
    });
    const long = syncErrorEvent({ status: 422, body: { message: 'x'.repeat(5000) } });
    expect(long!.message.length).toBeLessThan(1000);
    expect(syncErrorEvent({ status: 500, body: { message: 'boom' } })).toBeUndefined();
    expect(syncErrorEvent(new Error('x'))).toBeUndefined();
    expect(syncErrorEvent(undefined)).toBeUndefined();
  });
});

describe('MAX_OBJECT_DEPTH fits the recursive steps of the sync', () => {
  const key = { clusterName: 'ws1', workspacePath: '', namespace: 'default', name: 'deep' };
  const options: SyncOptions = {
    agentName: 'agent',
    subresources: ['status'],
    syncStatusBack: true,
    syncStatusForward: false,
    blockSourceDeletion: true,
    forceDelete: false,
    metadataOnDestination: true,
    sourceKey: key,
  };
  // every mutation kind: each converts the whole object (gjson tree, template values, CEL values)
  const mutator = compileMutations({
    spec: [
      { delete: { path: 'spec.unused' } },
      { regex: { path: 'metadata.name', pattern: 'deep', replacement: 'deep' } },
      { template: { path: 'spec.t', template: '{{ .Value.String }}' } },
      { cel: { path: 'spec.c', expression: 'self.metadata.name' } },
    ],
    status: [{ cel: { path: 'status.c', expression: 'self.metadata.name' } }],
  });

  /** Runs `f` below `frames` frames of a recursion, to leave only part of the stack to it. */
  function below(frames: number, f: () => void): void {
    const burn = (n: number): number => (n === 0 ? (f(), 0) : burn(n - 1) + 1);
    burn(frames);
  }

  function stackFrames(): number {
    let n = 0;
    const probe = (): void => {
      n++;
      probe();
    };
    try {
      probe();
    } catch {
      /* the stack is full */
    }
    return n;
  }

  it('plans (mutations, state, merge patch, status) at the limit with a third of the stack already used', () => {
    const frames = Math.floor(stackFrames() / 3);
    const depth = MAX_OBJECT_DEPTH;
    below(frames, () => {
      const source = deepCronTab(depth);
      const destination = {
        ...deepCronTab(depth),
        metadata: { name: 'copy', namespace: 'ws1' },
        status: { s: 1 },
      };
      const lastState = { ...deepCronTab(depth - 1), metadata: { name: 'deep' } };
      for (const lastKnownState of [undefined, lastState]) {
        const plan = planSync({
          source,
          destination,
          lastKnownState,
          options,
          mutateSpec: (s, o) => mutator.mutateSpec(s, o),
          mutateStatus: (d, o) => mutator.mutateStatus(d, o),
          buildDestination: (s) => s,
        });
        expect(plan.actions.length).toBeGreaterThan(0);
        for (const a of plan.actions) {
          const body = JSON.stringify(a); // the REST client's encoding of every write
          if ('state' in a) expect(decodeState(a.state)).toBeDefined();
          expect(body.length).toBeGreaterThan(depth);
        }
      }
    });
  });
});
