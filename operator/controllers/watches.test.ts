// The watches of the static controllers as registered through the runtime's builder: which events
// enqueue which requests (the reconcile logic itself is tested elsewhere).
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { APIExportReconciler } from './apiexport/controller.js';
import { APIResourceSchemaReconciler } from './apiresourceschema/controller.js';
import { RestClient } from '../runtime/client/rest.js';
import type { KubeObject, ObjectWithMeta } from '../runtime/client/types.js';
import type { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { Informer } from '../runtime/informer.js';
import { silentLogger } from '../runtime/log.js';
import { Manager } from '../runtime/manager.js';
import { testRestConfig } from '../runtime/testing/config.js';
import { FakeEventSource } from '../runtime/testing/fake-source.js';

const client = new RestClient(testRestConfig('http://127.0.0.1:1'));

/** An informer stand-in whose cache lists the given objects: `events` to emit, `informer` to hand over. */
function fakeInformer<T extends ObjectWithMeta = KubeObject>(
  name: string,
  cached: () => T[],
): { events: FakeEventSource<T>; informer: Informer<T> } {
  const events = Object.assign(new FakeEventSource<T>(name), { reader: { list: cached } });
  return { events, informer: events as unknown as Informer<T> };
}

/** The keys enqueued so far (the controller is not started: they stay in its queue). */
async function drain(c: Controller): Promise<string[]> {
  const keys: string[] = [];
  while (c.queue.len() > 0) {
    const next = await c.queue.get();
    if (next.shutdown) break;
    keys.push(next.item);
    c.queue.done(next.item);
  }
  return keys;
}

const pr = (name: string, generation: number, group: string, kind: string): PublishedResource => ({
  metadata: { name, generation },
  spec: { resource: { apiGroup: group, kind } },
});

const deps = { agentName: 'a', localClient: client, exportClient: client, recorder: {} as EventRecorder };

describe('apiresourceschema controller watches', () => {
  const prs = [pr('x', 1, 'example.com', 'Thing'), pr('y', 1, 'example.com', 'Other')];
  const publishedResources = fakeInformer<PublishedResource>('publishedresources', () => prs);
  const crds = fakeInformer<KubeObject>('crds', () => []);
  const mgr = new Manager({ client });
  const controller = new APIResourceSchemaReconciler({
    ...deps,
    publishedResources: publishedResources.informer,
    crds: crds.informer,
    log: silentLogger(),
  }).setupWithManager(mgr);

  it('is listed with what it watches', () => {
    expect(mgr.describeControllers()).toEqual([
      {
        name: 'syncagent-apiresourceschema',
        running: false,
        watches: [
          { relation: 'for', source: 'publishedresources' },
          { relation: 'watches', source: 'publishedresources (deletions: every PublishedResource)' },
          { relation: 'watches', source: 'crds' },
        ],
      },
    ]);
  });

  it('enqueues a PublishedResource when it is added or its schema may change', async () => {
    publishedResources.events.add(prs[0]!);
    publishedResources.events.update(prs[1]!, { ...prs[1]!, status: { resourceSchemaName: 'v1.others.example.com' } }); // a status write
    publishedResources.events.update(prs[1]!, pr('y', 2, 'example.com', 'Other'));
    expect(await drain(controller)).toEqual(['|x', '|y']);
  });

  it('enqueues every remaining PublishedResource when one is deleted', async () => {
    publishedResources.events.delete(pr('gone', 1, 'example.com', 'Thing'));
    expect(await drain(controller)).toEqual(['|x', '|y']);
  });

  it('enqueues the PublishedResources of a changed CRD group and kind', async () => {
    crds.events.update({}, { spec: { group: 'example.com', names: { kind: 'Thing' } } });
    expect(await drain(controller)).toEqual(['|x']);
  });
});

describe('apiexport controller watches', () => {
  const publishedResources = fakeInformer<PublishedResource>('publishedresources', () => []);
  const apiExports = fakeInformer<KubeObject>('apiexports', () => []);
  const mgr = new Manager({ client });
  const controller = new APIExportReconciler({
    ...deps,
    exportName: 'export',
    exportCluster: 'root',
    apiExports: apiExports.informer,
    publishedResources: publishedResources.informer,
    log: silentLogger(),
  }).setupWithManager(mgr);

  it('enqueues its one key for any APIExport or PublishedResource event', async () => {
    apiExports.events.add({ metadata: { name: 'export' } });
    publishedResources.events.delete(pr('p', 1, '', 'ConfigMap'));
    publishedResources.events.add(pr('q', 1, '', 'ConfigMap'));
    expect(await drain(controller)).toEqual(['|dummy']);
    expect(mgr.describeControllers()[0]!.watches).toEqual([
      { relation: 'watches', source: 'apiexports' },
      { relation: 'watches', source: 'publishedresources' },
    ]);
  });
});
