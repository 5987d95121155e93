import { randomBytes } from 'node:crypto';
import {
  decodeState,
  GZIP_MARKER,
  PARTS_MARKER,
  planStateWrite,
  readStateEntry,
  SECRET_DATA_LIMIT,
  statePartName,
  statePartSecret,
  statePartsOf,
  type StateWritePlan,
} from './state.js';
import type { Unstructured } from './unstructured.js';

const ref = { name: 'obj-state-ws1-0123456789abcdef0123', namespace: 'agent', labels: { l: 'v' } };

/** A Go-JSON state of roughly `bytes` bytes; random base64 (gzip keeps ~76%) unless `compressible`. */
function state(bytes: number, compressible = false): string {
  const payload = compressible ? 'a'.repeat(bytes) : randomBytes(bytes).toString('base64').slice(0, bytes);
  return `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"x"},"spec":{"blob":"${payload}"}}`;
}

function dataBytes(secret: Unstructured): number {
  return Object.values(secret.data as Record<string, string>).reduce(
    (n, v) => n + Buffer.from(v, 'base64').length,
    0,
  );
}

function raw(secret: Unstructured, key: string): string {
  return Buffer.from(secret.data[key] as string, 'base64').toString('latin1');
}

/** Applies a plan to an in-memory set of Secrets, as the state store does against the server. */
function apply(store: Map<string, Unstructured>, plan: StateWritePlan): void {
  for (const p of plan.parts)
    store.set(p.name, statePartSecret(store.get(p.name), { ...ref, name: p.name }, p.bytes));
  store.set(ref.name, plan.secret);
  for (const n of plan.obsoleteParts) store.delete(n);
}

function read(store: Map<string, Unstructured>, key: string): string | undefined {
  return readStateEntry(store.get(ref.name), key, (n) => store.get(n));
}

describe('state Secrets', () => {
  it('keeps the Go format (plain JSON) for states that fit, and other keys and labels', () => {
    const existing: Unstructured = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ref.name, namespace: 'agent', labels: { old: 'x' } },
      data: { other: Buffer.from('{"kind":"X"}').toString('base64') },
    };
    const v = state(100);
    const plan = planStateWrite(existing, ref, { k: v });
    expect(plan.parts).toEqual([]);
    expect(plan.obsoleteParts).toEqual([]);
    expect(raw(plan.secret, 'k')).toBe(v);
    expect(raw(plan.secret, 'other')).toBe('{"kind":"X"}');
    expect(plan.secret.metadata.labels).toEqual({ l: 'v', 'syncagent.kcp.io/object-state': 'true' });
    expect(existing.data.k).toBeUndefined();
    // a state just under the budget still is plain JSON
    const big = state(900 * 1024);
    expect(raw(planStateWrite(undefined, ref, { k: big }).secret, 'k')).toBe(big);
  });

  it('compresses a state that does not fit as plain JSON; other agents read "no state"', () => {
    const v = state(1200 * 1024, true);
    const plan = planStateWrite(undefined, ref, { k: v });
    expect(plan.parts).toEqual([]);
    expect(raw(plan.secret, 'k').startsWith(GZIP_MARKER)).toBe(true);
    expect(dataBytes(plan.secret)).toBeLessThan(SECRET_DATA_LIMIT);
    const store = new Map<string, Unstructured>();
    apply(store, plan);
    expect(read(store, 'k')).toBe(v);
    // what an agent without this format decodes from the entry: nothing (its full-update path)
    expect(decodeState(Buffer.from(plan.secret.data.k as string, 'base64').toString('utf8'))).toBeUndefined();
  });

  it('splits an incompressible state over part Secrets, each within the Secret size limit', () => {
    const v = state(1536 * 1024);
    const store = new Map<string, Unstructured>();
    const plan = planStateWrite(undefined, ref, { k: v, small: state(10) });
    expect(plan.parts.map((p) => p.name)).toEqual([
      statePartName(ref.name, 'k', 0),
      statePartName(ref.name, 'k', 1),
    ]);
    expect(raw(plan.secret, 'k').startsWith(PARTS_MARKER)).toBe(true);
    apply(store, plan);
    for (const s of store.values()) {
      expect(dataBytes(s)).toBeLessThanOrEqual(SECRET_DATA_LIMIT);
      expect(s.metadata.labels['syncagent.kcp.io/object-state']).toBe('true');
    }
    expect(read(store, 'k')).toBe(v);
    expect(decodeState(read(store, 'small'))).toBeDefined();
    expect(statePartsOf(store.get(ref.name))).toEqual(plan.parts.map((p) => p.name));
  });

  it('reads a missing or changed part (an interrupted write) as no state', () => {
    const store = new Map<string, Unstructured>();
    apply(store, planStateWrite(undefined, ref, { k: state(1400 * 1024) }));
    const p1 = statePartName(ref.name, 'k', 1);
    const saved = store.get(p1)!;
    store.set(p1, statePartSecret(saved, { ...ref, name: p1 }, Buffer.from('other bytes')));
    expect(read(store, 'k')).toBeUndefined();
    store.delete(p1);
    expect(read(store, 'k')).toBeUndefined();
  });

  it('removes parts that a smaller state no longer uses', () => {
    const store = new Map<string, Unstructured>();
    apply(store, planStateWrite(undefined, ref, { k: state(1400 * 1024), j: state(1400 * 1024) }));
    expect(store.size).toBe(5);
    const plan = planStateWrite(store.get(ref.name), ref, { k: state(50) });
    expect(plan.obsoleteParts).toEqual([statePartName(ref.name, 'k', 0), statePartName(ref.name, 'k', 1)]);
    apply(store, plan);
    expect(store.size).toBe(3); // j's parts stay
    expect(decodeState(read(store, 'k'))).toBeDefined();
    expect(read(store, 'j')).toHaveLength(state(1400 * 1024).length);
  });

  it('never lets the state Secret outgrow the limit, whatever the order of entries', () => {
    const store = new Map<string, Unstructured>();
    for (let i = 0; i < 4; i++)
      apply(store, planStateWrite(store.get(ref.name), ref, { [`e${i}`]: state(700 * 1024) }));
    for (const s of store.values()) expect(dataBytes(s)).toBeLessThanOrEqual(SECRET_DATA_LIMIT);
    for (let i = 0; i < 4; i++) expect(read(store, `e${i}`)).toHaveLength(state(700 * 1024).length);
    // the first entry fitted and kept the Go format
    expect(raw(store.get(ref.name)!, 'e0').startsWith('{')).toBe(true);
  });

  it('treats a damaged compressed entry as no state', () => {
    const secret: Unstructured = {
      metadata: { name: ref.name },
      data: { k: Buffer.from(`${GZIP_MARKER}not gzip`, 'latin1').toString('base64') },
    };
    expect(readStateEntry(secret, 'k')).toBeUndefined();
    const bad: Unstructured = {
      metadata: { name: ref.name },
      data: { k: Buffer.from(`${PARTS_MARKER}{x`).toString('base64') },
    };
    expect(readStateEntry(bad, 'k')).toBeUndefined();
    expect(statePartsOf(bad)).toEqual([]);
  });
});
