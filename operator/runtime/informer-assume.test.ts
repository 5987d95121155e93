/**
 * The informer's write-through (assume / assumeDeleted): the newer resourceVersion wins between what a
 * controller wrote and what the watch delivers, and a relist reconciles the assumptions. Driven by a
 * scripted list/watch and a fake clock, so no timer or server is involved.
 */
import { FakeClock } from './clock.js';
import { GoneError } from './client/errors.js';
import type { RestClient } from './client/rest.js';
import type { KubeObject, WatchEvent, WatchEventType } from './client/types.js';
import { Informer } from './informer.js';

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A list/watch source the test scripts: what the next list returns and which events the watch sends. */
class ScriptedListWatch {
  list: { items: KubeObject[]; resourceVersion: string } = { items: [], resourceVersion: '1' };
  lists = 0;
  private readonly pending: (WatchEvent | Error)[] = [];
  private wake: (() => void) | undefined;

  async listAll(): Promise<{ items: KubeObject[]; metadata: { resourceVersion: string } }> {
    this.lists++;
    return {
      items: structuredClone(this.list.items),
      metadata: { resourceVersion: this.list.resourceVersion },
    };
  }

  async *watch(_gvr: unknown, o: { signal?: AbortSignal }): AsyncGenerator<WatchEvent> {
    while (!o.signal?.aborted) {
      const next = this.pending.shift();
      if (next instanceof Error) throw next;
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        o.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  send(type: WatchEventType, object: KubeObject): void {
    this.pending.push({ type, object: structuredClone(object) });
    this.wake?.();
  }

  /** The watch fails with 410 Gone: the informer relists. */
  expire(): void {
    this.pending.push(new GoneError(410, 'Expired', undefined, 'GET', '/things'));
    this.wake?.();
  }
}

function thing(name: string, resourceVersion: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name, namespace: 'ns', resourceVersion, labels },
  };
}

describe('Informer write-through (assume)', () => {
  let source: ScriptedListWatch;
  let informer: Informer;
  let events: string[];

  async function startWith(items: KubeObject[], resourceVersion: string): Promise<void> {
    source.list = { items, resourceVersion };
    informer = new Informer({
      client: source as unknown as RestClient, // the informer only calls listAll and watch
      gvr: { group: 'example.com', version: 'v1', resource: 'things' },
      clock: new FakeClock(),
    });
    informer.addEventHandler({
      onAdd: (o) => events.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
      onUpdate: (o, n) =>
        events.push(
          `update ${n.metadata?.name}@${o.metadata?.resourceVersion}->${n.metadata?.resourceVersion}`,
        ),
      onDelete: (o) => events.push(`delete ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    });
    informer.start();
    await informer.waitForSync();
    events.length = 0;
  }

  /** Sends watch events and waits until the handlers have seen them all. */
  async function deliver(...evs: [WatchEventType, KubeObject][]): Promise<void> {
    const before = events.length;
    for (const [type, obj] of evs) source.send(type, obj);
    await until(() => events.length === before + evs.length, `${evs.length} event(s) handled`);
  }

  const cachedRV = (name: string) => informer.reader.get('', 'ns', name)?.metadata?.resourceVersion;

  beforeEach(() => {
    source = new ScriptedListWatch();
    events = [];
  });
  afterEach(async () => {
    await informer.stop();
  });

  it('caches what the server returned without calling handlers', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assume(thing('a', '10', { v: 'written' }));
    informer.assume(thing('b', '11'));
    expect(cachedRV('a')).toBe('10');
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.labels).toEqual({ v: 'written' });
    expect(cachedRV('b')).toBe('11');
    expect(events).toEqual([]);
  });

  it('ignores a late watch event older than the assumed object, but still tells the handlers', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assume(thing('a', '10', { v: 'written' }));
    await deliver(['MODIFIED', thing('a', '7', { v: 'late' })]);
    expect(cachedRV('a')).toBe('10');
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.labels).toEqual({ v: 'written' });
    expect(events).toEqual(['update a@10->7']);
  });

  it('an older assumption does not replace a newer cached object', async () => {
    await startWith([thing('a', '12')], '12');
    informer.assume(thing('a', '10'));
    expect(cachedRV('a')).toBe('12');
  });

  it('a watch event as new or newer than the assumed object replaces it', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assume(thing('a', '10', { v: 'written' }));
    // the write's own event: same resourceVersion, the server's copy wins
    await deliver(['MODIFIED', thing('a', '10', { v: 'from-watch' })]);
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.labels).toEqual({ v: 'from-watch' });
    await deliver(['MODIFIED', thing('a', '12', { v: 'newer' })]);
    expect(cachedRV('a')).toBe('12');
    expect(events).toEqual(['update a@10->10', 'update a@10->12']);
  });

  it('lets the watch win when resourceVersions are not integers', async () => {
    await startWith([thing('a', 'v5')], 'v5');
    informer.assume(thing('a', 'v9'));
    await deliver(['MODIFIED', thing('a', 'v7')]);
    expect(cachedRV('a')).toBe('v7');
  });

  it('assume then delete: stale events stay out, newer ones (still terminating, re-created) come in', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assume(thing('a', '10'));
    informer.assumeDeleted(thing('a', '10'));
    expect(informer.reader.get('', 'ns', 'a')).toBeUndefined();
    expect(events).toEqual([]);
    // late events of the states before the delete
    await deliver(['MODIFIED', thing('a', '8')], ['MODIFIED', thing('a', '10')]);
    expect(informer.reader.get('', 'ns', 'a')).toBeUndefined();
    // the object still exists (a finalizer holds it): a newer state is cached again
    await deliver(['MODIFIED', thing('a', '11', { terminating: 'yes' })]);
    expect(cachedRV('a')).toBe('11');
    await deliver(['DELETED', thing('a', '12')]);
    expect(informer.reader.get('', 'ns', 'a')).toBeUndefined();
    await deliver(['ADDED', thing('a', '15')]);
    expect(cachedRV('a')).toBe('15');
  });

  it('a late DELETED of an older incarnation does not remove a newer assumed object', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assume(thing('a', '20', { incarnation: '2' }));
    await deliver(['DELETED', thing('a', '6')]);
    expect(cachedRV('a')).toBe('20');
    expect(events).toEqual(['delete a@6']);
  });

  it('a relist keeps assumptions newer than the list and reconciles everything else to it', async () => {
    await startWith([thing('a', '5'), thing('b', '5'), thing('c', '5')], '5');
    informer.assume(thing('a', '20', { v: 'written' })); // newer than the next list
    informer.assumeDeleted(thing('b', '5')); // deleted after the next list was taken
    informer.assume(thing('d', '8')); // created before the next list, then deleted by someone else
    informer.assume(thing('e', '25')); // created after the next list
    informer.assume(thing('c', '9')); // older than the list's copy of c

    source.list = { items: [thing('a', '5'), thing('b', '5'), thing('c', '14')], resourceVersion: '14' };
    source.expire();
    await until(() => informer.stats.relistsAfterGone === 1 && source.lists === 2, 'relist');
    await until(() => events.length === 2, 'relist events');

    expect(events.sort()).toEqual(['delete d@8', 'update c@9->14']);
    expect(cachedRV('a')).toBe('20');
    expect(informer.reader.get('', 'ns', 'b')).toBeUndefined();
    expect(cachedRV('c')).toBe('14');
    expect(informer.reader.get('', 'ns', 'd')).toBeUndefined();
    expect(cachedRV('e')).toBe('25');

    // the watch from the list's resourceVersion confirms what was kept
    events.length = 0;
    await deliver(
      ['DELETED', thing('b', '15')],
      ['MODIFIED', thing('a', '20', { v: 'server' })],
      ['ADDED', thing('e', '25')],
    );
    expect(informer.reader.get('', 'ns', 'a')?.metadata?.labels).toEqual({ v: 'server' });
    expect(events).toEqual(['delete b@15', 'update a@20->20', 'update e@25->25']);
  });

  it('drops a deletion mark once a bookmark has passed it', async () => {
    await startWith([thing('a', '5')], '5');
    informer.assumeDeleted(thing('a', '10'));
    await deliver(['MODIFIED', thing('a', '9')]);
    expect(informer.reader.get('', 'ns', 'a')).toBeUndefined();
    source.send('BOOKMARK', { metadata: { resourceVersion: '30' } });
    await until(() => informer.lastResourceVersion() === '30', 'bookmark');
    // every event up to 30 has been delivered: the mark has nothing left to guard against
    await deliver(['MODIFIED', thing('a', '9')]);
    expect(cachedRV('a')).toBe('9');
  });
});
