import { jest } from '@jest/globals';
import type { RestClient } from './client/rest.js';
import { dropManagedFields, Informer } from './informer.js';
import { sharedStrings, StringTable } from './shared-strings.js';

const crontab = (name: string, uid: string) => ({
  apiVersion: 'example.com/v1',
  kind: 'CronTab',
  metadata: {
    name,
    namespace: 'ws-cluster-name-1',
    uid,
    resourceVersion: '42',
    labels: { 'syncagent.kcp.io/agent-name': 'bench-agent' },
    finalizers: ['syncagent.kcp.io/cleanup'],
  },
  spec: { cronSpec: '* * * * */5', replicas: 1, tags: ['a', 'b'], nested: [{ image: 'bench' }] },
  data: { state: 'x'.repeat(65) },
});

describe('StringTable', () => {
  it('changes no value: the object reads the same after sharing', () => {
    const t = new StringTable();
    const obj = crontab('one', 'uid-1');
    const before = structuredClone(obj);
    expect(t.shareValues(obj)).toBe(obj);
    expect(obj).toEqual(before);
  });

  it('keeps one entry per distinct value, however many objects carry it', () => {
    const t = new StringTable();
    t.shareValues(crontab('one', 'uid-1'));
    const afterOne = t.size();
    for (let i = 2; i <= 50; i++) t.shareValues(crontab(`obj-${i}`, `uid-${i}`));
    // name, uid and resourceVersion are per-object unique: they never enter the table.
    expect(t.size()).toBe(afterOne);
    expect(afterOne).toBe(
      [
        'example.com/v1',
        'CronTab',
        'ws-cluster-name-1',
        'bench-agent',
        'syncagent.kcp.io/cleanup',
        '* * * * */5',
        'a',
        'b',
        'bench',
      ].length,
    );
  });

  it('shares "name" outside metadata (e.g. a label or annotation value) and long values never', () => {
    const t = new StringTable();
    t.shareValues({
      metadata: { annotations: { name: 'fill-1' } },
      spec: { name: 'x', long: 'y'.repeat(65) },
    });
    expect(t.size()).toBe(2);
  });

  it('is bounded: a full table starts over instead of growing', () => {
    const t = new StringTable(3);
    t.shareValues({ spec: { a: 'v1', b: 'v2', c: 'v3' } });
    expect(t.size()).toBe(3);
    t.shareValues({ spec: { d: 'v4' } });
    expect(t.size()).toBe(1);
  });

  it('survives a consumer object nested 100,000 levels deep (it stops at a depth limit)', () => {
    // JSON.parse accepts such nesting; a recursive walk to the bottom overflowed the stack and made
    // the informer's list of the whole type fail (e2e/security/poison-objects.e2e.ts)
    const text = '{"a":'.repeat(100_000) + '"x"' + '}'.repeat(100_000);
    const deep = JSON.parse(text) as { a: unknown };
    const table = new StringTable();
    expect(() => table.shareValues({ metadata: { namespace: 'ns' }, spec: deep })).not.toThrow();
    expect(table.size()).toBe(1); // "ns"; nothing below the depth limit
  });

  it('leaves frozen objects alone', () => {
    const t = new StringTable();
    const obj = Object.freeze({ kind: 'Frozen', spec: { x: 'y' } });
    expect(() => t.shareValues(obj)).not.toThrow();
    expect(t.size()).toBe(0);
  });
});

describe('the informer cache', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shares the strings of every object it caches: listed, watched and assumed, after its transform', () => {
    const shared: unknown[] = [];
    jest.spyOn(sharedStrings, 'shareValues').mockImplementation((obj) => {
      shared.push(structuredClone(obj));
      return obj;
    });
    const informer = new Informer({
      client: {} as RestClient,
      gvr: { group: 'example.com', version: 'v1', resource: 'crontabs' },
      transform: dropManagedFields,
    });
    const obj = (name: string, rv: string) => ({
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name, namespace: 'default', resourceVersion: rv, managedFields: [{ manager: 'x' }] },
    });
    informer.replace([obj('listed', '1')], '1');
    informer.apply('ADDED', obj('watched', '2'));
    informer.assume(obj('assumed', '3'));
    const names = shared.map((o) => (o as { metadata: { name: string } }).metadata.name);
    expect(names).toEqual(['listed', 'watched', 'assumed']);
    for (const o of shared) expect(o).not.toHaveProperty('metadata.managedFields');
    expect(informer.reader.get('', 'default', 'watched')).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'watched', namespace: 'default', resourceVersion: '2' },
    });
  });
});
