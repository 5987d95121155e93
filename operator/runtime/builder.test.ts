import { controllerManagedBy, Trigger } from './builder.js';
import { FakeClock } from './clock.js';
import { RestClient } from './client/rest.js';
import type { KubeObject } from './client/types.js';
import { Manager } from './manager.js';
import { metricsRegistry } from './metrics.js';
import type { Request, Result } from './reconciler.js';
import { testRestConfig } from './testing/config.js';
import { FakeEventSource } from './testing/fake-source.js';

/** Lets pending promise callbacks and immediate callbacks (manager start, worker loops) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((r) => setImmediate(r));
    for (let j = 0; j < 20; j++) await Promise.resolve();
  }
}

/** What a test started, stopped after it even when an assertion failed (else jest would hang). */
const cleanups: (() => Promise<unknown>)[] = [];
/** Reconciles that block until released (released before the cleanups). */
const releases: (() => void)[] = [];
const blocking = {
  reconcile: () => new Promise<Result>((resolve) => releases.push(() => resolve({}))),
};

afterEach(async () => {
  for (const r of releases.splice(0)) r();
  for (const c of cleanups.splice(0)) await c(); // in order: a manager stops before its run is awaited
});

/** A manager that touches no API server: no leader election, no servers, no informers of its own. */
function newManager(): Manager {
  const mgr = new Manager({ client: new RestClient(testRestConfig('http://127.0.0.1:1')) });
  cleanups.push(() => mgr.stop());
  return mgr;
}

/** Starts the manager; the returned promise resolves when it has stopped. */
function start(mgr: Manager): Promise<void> {
  const run = mgr.start();
  cleanups.push(() => run);
  return run;
}

/** A reconciler that records each request as `cluster|namespace/name`. */
function recorder(): { reconcile: (req: Request) => Promise<Result>; seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    reconcile: async (req) => {
      seen.push(`${req.cluster}|${req.namespace}/${req.name}`);
      return {};
    },
  };
}

const obj = (name: string, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
  metadata: { name, ...extra },
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const data = await metricsRegistry.getSingleMetric(name)?.get();
  return data?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

describe('controllerManagedBy', () => {
  it('records what each controller watches and reads, for the manager to list', () => {
    const mgr = newManager();
    const things = new FakeEventSource('example.com/v1, Resource=things');
    const parts = new FakeEventSource('example.com/v1, Resource=parts');
    const settings = new FakeEventSource('v1, Resource=configmaps');
    controllerManagedBy(mgr)
      .named('things')
      .for(things)
      .owns(parts, { apiGroup: 'example.com', kind: 'Thing' })
      .watches(settings, () => [], { description: 'settings (all things)' })
      .watches(new Trigger('pokes'))
      .reads(settings, 'settings cache')
      .complete(recorder());
    controllerManagedBy(mgr).named('another').for(parts).complete(recorder());
    expect(mgr.describeControllers()).toEqual([
      { name: 'another', running: false, watches: [{ relation: 'for', source: parts.name }] },
      {
        name: 'things',
        running: false,
        watches: [
          { relation: 'for', source: things.name },
          { relation: 'owns', source: parts.name },
          { relation: 'watches', source: 'settings (all things)' },
          { relation: 'watches', source: 'pokes' },
          { relation: 'reads', source: 'settings cache' },
        ],
      },
    ]);
  });

  it('refuses a controller without name or watches, a second for(), and a name already registered', () => {
    const mgr = newManager();
    const things = new FakeEventSource('things');
    expect(() => controllerManagedBy(mgr).for(things).complete(recorder())).toThrow(/named\(\) is required/);
    expect(() => controllerManagedBy(mgr).named('empty').complete(recorder())).toThrow(/nothing to watch/);
    expect(() => controllerManagedBy(mgr).named('x').for(things).for(things)).toThrow(/only once/);
    controllerManagedBy(mgr).named('dup').for(things).complete(recorder());
    expect(() => controllerManagedBy(mgr).named('dup').for(things).complete(recorder())).toThrow(
      /already registered/,
    );
    // the refused controller left no subscription behind
    expect(things.handlerCount).toBe(1);
  });

  it('enqueues the mapped requests of every watch, filtered by predicates', async () => {
    const mgr = newManager();
    // Objects of this source belong to logical clusters: requests carry the cluster its clusterOf finds.
    const things = new FakeEventSource('things', {
      synced: true,
      clusterOf: (o) => o.metadata?.annotations?.['example.com/cluster'] ?? '',
    });
    const parts = new FakeEventSource('parts', { synced: true });
    const others = new FakeEventSource('others', { synced: true });
    const pokes = new Trigger('pokes');
    const r = recorder();
    controllerManagedBy(mgr)
      .named('mapping')
      .for(things, { predicates: [{ update: (o, n) => o.metadata?.generation !== n.metadata?.generation }] })
      .owns(parts, { apiGroup: 'example.com', kind: 'Thing' })
      .watches(others, (o) => [{ cluster: '', namespace: 'mapped', name: `from-${o.metadata?.name}` }], {
        predicates: [{ delete: () => false }],
      })
      .watches(pokes)
      .withOptions({ clock: new FakeClock() })
      .complete(r);
    start(mgr);
    await settle();

    // for(): the object itself, its logical cluster from the cache's cluster annotation
    things.add(obj('a', { namespace: 'ns', annotations: { 'example.com/cluster': 'ws1' } }));
    things.update(obj('b', { generation: 1 }), obj('b', { generation: 1 })); // filtered out
    things.update(obj('c', { generation: 1 }), obj('c', { generation: 2 }));
    // owns(): the controller owner of the given group and kind only
    const ref = { uid: 'u', name: 'owner', kind: 'Thing', apiVersion: 'example.com/v1' };
    parts.add(obj('p1', { namespace: 'ns', ownerReferences: [{ ...ref, controller: true }] }));
    parts.add(obj('p2', { namespace: 'ns', ownerReferences: [{ ...ref, name: 'not-controller' }] }));
    parts.add(
      obj('p3', {
        namespace: 'ns',
        ownerReferences: [{ ...ref, apiVersion: 'other.io/v1', name: 'other-group', controller: true }],
      }),
    );
    // watches(source, map): the mapped requests; the update maps the new object
    others.add(obj('o1'));
    others.update(obj('o-old'), obj('o-new'));
    others.delete(obj('o2')); // filtered out
    // watches(trigger)
    pokes.fire({ cluster: 'ws2', namespace: '', name: 'poked' });
    await settle();

    expect(r.seen).toEqual([
      'ws1|ns/a',
      '|/c',
      '|ns/owner',
      '|mapped/from-o1',
      '|mapped/from-o-new',
      'ws2|/poked',
    ]);
  });

  it('starts a controller added to a running manager once its caches are synced, and stops it', async () => {
    const mgr = newManager();
    const run = start(mgr);
    await settle();

    const objects = new FakeEventSource('objects');
    const namespaces = new FakeEventSource('namespaces');
    const unsynced = new FakeEventSource('not waited for');
    const r = recorder();
    const ctl = controllerManagedBy(mgr)
      .named('dynamic/one')
      .for(objects)
      .watches(unsynced, (o) => [{ cluster: '', namespace: '', name: `u-${o.metadata?.name}` }], {
        waitForSync: false,
      })
      .reads(namespaces)
      .withOptions({ clock: new FakeClock(), stopDeadlineMs: 1000 })
      .complete(r);
    objects.add(obj('early')); // queued before the workers run
    await settle();
    expect(ctl.isStarted()).toBe(false);
    objects.markSynced();
    await settle();
    expect(ctl.isStarted()).toBe(false); // still waits for the cache it reads
    namespaces.markSynced();
    await settle();
    expect(mgr.describeControllers()).toEqual([
      {
        name: 'dynamic/one',
        running: true,
        watches: [
          { relation: 'for', source: 'objects' },
          { relation: 'watches', source: 'not waited for' },
          { relation: 'reads', source: 'namespaces' },
        ],
      },
    ]);
    unsynced.add(obj('x'));
    await settle();
    expect(r.seen).toEqual(['|/early', '|/u-x']);

    await mgr.removeController(ctl);
    expect(ctl.isStarted()).toBe(false);
    expect(mgr.describeControllers()).toEqual([]);
    expect([objects.handlerCount, unsynced.handlerCount]).toEqual([0, 0]); // subscriptions ended
    // the name is free again: a replacement starts under it
    const again = recorder();
    controllerManagedBy(mgr).named('dynamic/one').for(objects).complete(again);
    await settle();
    objects.add(obj('later'));
    await settle();
    expect(r.seen).toEqual(['|/early', '|/u-x']);
    expect(again.seen).toEqual(['|/later']);
    await mgr.stop();
    await run;
    expect(mgr.describeControllers().map((c) => c.running)).toEqual([false]);
  });

  it('labels the metrics of each dynamic controller with its own name', async () => {
    const mgr = newManager();
    start(mgr);
    const sources = ['a', 'b'].map((n) => new FakeEventSource(`source-${n}`, { synced: true }));
    const ctls = ['a', 'b'].map((n, i) =>
      controllerManagedBy(mgr)
        .named(`metrics-dyn/${n}`)
        .for(sources[i]!)
        .withOptions({ workers: 3, clock: new FakeClock() })
        .complete(blocking),
    );
    await settle();
    sources[0]!.add(obj('x'));
    sources[0]!.add(obj('y'));
    sources[1]!.add(obj('x'));
    await settle();
    const active = (c: string) => metricValue('controller_runtime_active_workers', { controller: c });
    const max = (c: string) => metricValue('controller_runtime_max_concurrent_reconciles', { controller: c });
    expect([await active('metrics-dyn/a'), await active('metrics-dyn/b')]).toEqual([2, 1]);
    expect([await max('metrics-dyn/a'), await max('metrics-dyn/b')]).toEqual([3, 3]);
    for (const r of releases.splice(0)) r();
    await settle();
    expect([await active('metrics-dyn/a'), await active('metrics-dyn/b')]).toEqual([0, 0]);
    expect(
      await metricValue('controller_runtime_reconcile_total', {
        controller: 'metrics-dyn/a',
        result: 'success',
      }),
    ).toBe(2);
    await Promise.all(ctls.map((c) => mgr.removeController(c)));
  });
});
