import {
  agentFinalizer,
  finalizerPolicy,
  foreignFinalizerWait,
  isAgentFinalizer,
  ourFinalizers,
} from './finalizers.js';
import { FINALIZER_CLEANUP } from './keys.js';
import { objectKeyAnnotations, objectKeyLabels } from './object-key.js';
import {
  planSync,
  EVENT_REASON_FOREIGN_FINALIZERS_TIMEOUT,
  type SyncInput,
  type SyncOptions,
} from './planner.js';
import { applyFilter } from './primary.js';
import type { Unstructured } from './unstructured.js';

const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const A = agentFinalizer('agent-a');
const B = agentFinalizer('agent-b');

describe('agentFinalizer', () => {
  it('carries the agent name', () => {
    expect(A).toBe('syncagent.kcp.io/cleanup-agent-a');
  });

  it('hashes long names into a valid, deterministic, distinct qualified name', () => {
    const long1 = `a${'x'.repeat(62)}`;
    const long2 = `a${'x'.repeat(61)}y`;
    const f1 = agentFinalizer(long1);
    const [prefix, name] = f1.split('/');
    expect(prefix).toBe('syncagent.kcp.io');
    expect(name!.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(QUALIFIED_NAME_PART);
    expect(agentFinalizer(long1)).toBe(f1);
    expect(agentFinalizer(long2)).not.toBe(f1);
    expect(isAgentFinalizer(f1)).toBe(true);
  });

  it('keeps names at the boundary plain and cuts one character later', () => {
    const fits = `a${'b'.repeat(54)}`; // cleanup- + 55 = 63
    expect(agentFinalizer(fits)).toBe(`syncagent.kcp.io/cleanup-${fits}`);
    expect(agentFinalizer(`${fits}c`).split('/')[1]!.length).toBeLessThanOrEqual(63);
    expect(agentFinalizer(`${fits}c`)).toMatch(/-[0-9a-f]{10}$/);
  });
});

describe('finalizerPolicy', () => {
  it('shared mode uses the shared name and migrates away from the scoped one', () => {
    expect(finalizerPolicy('agent-a')).toEqual({ own: FINALIZER_CLEANUP, previous: A, waitForForeignMs: 0 });
  });
  it('agent mode uses the scoped name and migrates away from the shared one', () => {
    expect(finalizerPolicy('agent-a', 'agent', 1000)).toEqual({
      own: A,
      previous: FINALIZER_CLEANUP,
      waitForForeignMs: 1000,
    });
    expect(ourFinalizers(finalizerPolicy('agent-a', 'agent'))).toEqual([A, FINALIZER_CLEANUP]);
  });
});

describe('foreignFinalizerWait', () => {
  const deleted = (finalizers: string[]): Unstructured => ({
    metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers },
  });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const policy = finalizerPolicy('agent-a', 'agent', 60_000);

  it('waits for foreign finalizers until the limit, then reports a timeout', () => {
    expect(foreignFinalizerWait(deleted([A, 'example.com/backup']), policy, t0 + 10_000)).toEqual({
      wait: true,
      finalizers: ['example.com/backup'],
      remainingMs: 50_000,
    });
    expect(foreignFinalizerWait(deleted([A, 'example.com/backup']), policy, t0 + 60_000)).toEqual({
      wait: false,
      timedOut: true,
      finalizers: ['example.com/backup'],
    });
  });

  it('never waits for agent finalizers (shared or any scoped one): agents cannot deadlock', () => {
    expect(foreignFinalizerWait(deleted([A, B, FINALIZER_CLEANUP]), policy, t0)).toEqual({
      wait: false,
      timedOut: false,
    });
  });

  it('does not wait when disabled or when the object is not being deleted', () => {
    expect(foreignFinalizerWait(deleted(['x.io/f']), finalizerPolicy('agent-a'), t0).wait).toBe(false);
    expect(foreignFinalizerWait({ metadata: { finalizers: ['x.io/f'] } }, policy, t0).wait).toBe(false);
  });
});

const key = { clusterName: 'ws1', workspacePath: '', namespace: 'default', name: 'obj' };
const options = (finalizers: SyncOptions['finalizers']): SyncOptions => ({
  agentName: 'agent-a',
  subresources: ['status'],
  syncStatusBack: false,
  syncStatusForward: false,
  blockSourceDeletion: true,
  forceDelete: false,
  metadataOnDestination: true,
  sourceKey: key,
  ...(finalizers ? { finalizers } : {}),
});
const source = (finalizers: string[], deletionTimestamp?: string): Unstructured => ({
  apiVersion: 'kcp.example.com/v1',
  kind: 'Thing',
  metadata: {
    name: 'obj',
    namespace: 'default',
    finalizers,
    ...(deletionTimestamp ? { deletionTimestamp } : {}),
  },
  spec: { a: 1 },
});
const copy = (agent = 'agent-a'): Unstructured => ({
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: {
    name: 'obj',
    namespace: 'ns',
    labels: { ...objectKeyLabels(key), 'syncagent.kcp.io/agent-name': agent },
    annotations: objectKeyAnnotations(key),
  },
  spec: { a: 1 },
});
const input = (over: Partial<SyncInput>): SyncInput => ({
  source: source([]),
  destination: undefined,
  lastKnownState: {
    apiVersion: 'kcp.example.com/v1',
    kind: 'Thing',
    metadata: { name: 'obj', namespace: 'default' },
    spec: { a: 1 },
  },
  options: options(undefined),
  mutateSpec: (s) => s,
  mutateStatus: (d) => d,
  buildDestination: (s) => ({ ...structuredClone(s), metadata: { name: 'obj', namespace: 'ns' } }),
  ...over,
});

describe('planSync with an agent-scoped finalizer', () => {
  const agentMode = finalizerPolicy('agent-a', 'agent');
  const sharedMode = finalizerPolicy('agent-a', 'shared');

  it('puts the scoped finalizer on a new object, with the accepted event', () => {
    const p = planSync(input({ options: options(agentMode) }));
    expect(p.actions).toEqual([
      expect.objectContaining({
        type: 'patchSource',
        patch: { metadata: { finalizers: [A] } },
        event: expect.anything(),
      }),
    ]);
  });

  it('migrates shared → agent: adds its own first, removes the shared one only in a later pass', () => {
    const first = planSync(
      input({ source: source([FINALIZER_CLEANUP, B]), destination: copy(), options: options(agentMode) }),
    );
    expect(first.actions).toEqual([
      { type: 'patchSource', patch: { metadata: { finalizers: [FINALIZER_CLEANUP, A, B].sort() } } },
    ]);
    const second = planSync(
      input({ source: source([FINALIZER_CLEANUP, A, B]), destination: copy(), options: options(agentMode) }),
    );
    expect(second.actions).toEqual([{ type: 'patchSource', patch: { metadata: { finalizers: [A, B] } } }]);
    const third = planSync(
      input({ source: source([A, B]), destination: copy(), options: options(agentMode) }),
    );
    expect(third.actions).toEqual([]);
  });

  it('migrates agent → shared the same way and never touches another agent’s scoped finalizer', () => {
    const first = planSync(
      input({ source: source([A, B]), destination: copy(), options: options(sharedMode) }),
    );
    expect(first.actions).toEqual([
      { type: 'patchSource', patch: { metadata: { finalizers: [A, B, FINALIZER_CLEANUP].sort() } } },
    ]);
    const second = planSync(
      input({ source: source([A, B, FINALIZER_CLEANUP]), destination: copy(), options: options(sharedMode) }),
    );
    expect(second.actions).toEqual([
      { type: 'patchSource', patch: { metadata: { finalizers: [B, FINALIZER_CLEANUP].sort() } } },
    ]);
  });

  it('does not remove the shared finalizer while the copy is another agent’s', () => {
    const p = planSync(
      input({
        source: source([FINALIZER_CLEANUP, A]),
        destination: copy('agent-b'),
        options: options(agentMode),
      }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['collision']);
  });

  it('releases only its own names after cleanup, leaving the other agent’s', () => {
    const p = planSync(
      input({
        source: source([A, B, FINALIZER_CLEANUP], '2026-01-01T00:00:00Z'),
        options: options(agentMode),
      }),
    );
    expect(p.actions).toEqual([
      expect.objectContaining({ type: 'patchSource', patch: { metadata: { finalizers: [B] } } }),
    ]);
  });

  it('default (no policy) still releases only the shared finalizer', () => {
    const p = planSync(input({ source: source([A, FINALIZER_CLEANUP], '2026-01-01T00:00:00Z') }));
    expect(p.actions).toEqual([
      expect.objectContaining({ type: 'patchSource', patch: { metadata: { finalizers: [A] } } }),
    ]);
  });

  it('filters: a filtered-out object with only the scoped finalizer is still cleaned up', () => {
    const v = applyFilter(
      { resource: { matchLabels: { x: 'y' } } },
      source([A], '2026-01-01T00:00:00Z'),
      undefined,
      agentMode,
    );
    expect(v).toMatchObject({ pass: true, cleanupOnly: true });
    expect(
      applyFilter({ resource: { matchLabels: { x: 'y' } } }, source([A], '2026-01-01T00:00:00Z'), undefined),
    ).toMatchObject({ pass: false });
  });
});

describe('planSync waiting for foreign finalizers', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const waiting = finalizerPolicy('agent-a', 'agent', 60_000);
  const deleting = (finalizers: string[]) => source(finalizers, '2026-01-01T00:00:00Z');

  it('keeps the copy while a foreign finalizer is present', () => {
    const p = planSync(
      input({
        source: deleting([A, 'backup.example.com/protect']),
        destination: copy(),
        options: options(waiting),
        now: t0 + 1000,
      }),
    );
    expect(p).toMatchObject({ actions: [], requeue: true });
  });

  it('deletes the copy once the foreign finalizer is gone', () => {
    const p = planSync(
      input({ source: deleting([A]), destination: copy(), options: options(waiting), now: t0 + 1000 }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['deleteDestination']);
  });

  it('gives up at the limit with a Warning, then deletes', () => {
    const p = planSync(
      input({
        source: deleting([A, 'backup.example.com/protect']),
        destination: copy(),
        options: options(waiting),
        now: t0 + 60_000,
      }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['recordEvent', 'deleteDestination']);
    expect(p.actions[0]).toMatchObject({
      event: { type: 'Warning', reason: EVENT_REASON_FOREIGN_FINALIZERS_TIMEOUT },
    });
  });

  it('a consumer’s fake agent-looking finalizer is not waited for at all', () => {
    const fake = agentFinalizer('some-other-agent');
    const p = planSync(
      input({ source: deleting([A, fake]), destination: copy(), options: options(waiting), now: t0 }),
    );
    expect(p.actions.map((a) => a.type)).toEqual(['deleteDestination']);
  });
});
