import { FakeClock } from '../../runtime/clock.js';
import { CachedDiscovery } from '../../runtime/client/discovery.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import type { KubeObject, ObjectWithMeta } from '../../runtime/client/types.js';
import type { EventRecorder } from '../../runtime/events.js';
import type { EventHandler, Informer } from '../../runtime/informer.js';
import { Manager } from '../../runtime/manager.js';
import { APIResourceSchemaReconciler } from './controller.js';

/** An informer that only records its handlers and lists nothing. */
function fakeInformer<T extends ObjectWithMeta = KubeObject>() {
  const handlers: EventHandler<T>[] = [];
  const informer = {
    addEventHandler: (h: EventHandler<T>) => handlers.push(h),
    reader: { list: () => [], get: () => undefined },
  } as unknown as Informer<T>;
  return { informer, handlers };
}

describe('apiresourceschema controller and the cached discovery', () => {
  it('drops the service cluster discovery cache when a CRD is added, changed or deleted', async () => {
    let discoveryReads = 0;
    const discovery = new CachedDiscovery(
      async (path) => {
        if (path === '/apis') discoveryReads++;
        return path === '/api' ? { versions: [] } : { groups: [] };
      },
      { clock: new FakeClock() },
    );
    const crds = fakeInformer();
    new APIResourceSchemaReconciler({
      agentName: 'agent',
      localClient: { discovery } as unknown as RestClient,
      exportClient: {} as RestClient,
      publishedResources: fakeInformer<PublishedResource>().informer,
      crds: crds.informer,
      recorder: {} as EventRecorder,
    } as unknown as ConstructorParameters<typeof APIResourceSchemaReconciler>[0]).setupWithManager(
      new Manager({ client: {} as RestClient }),
    );
    const crd = { metadata: { name: 'things.example.com' }, spec: { group: 'example.com' } } as KubeObject;

    await discovery.get();
    await discovery.get();
    expect(discoveryReads).toBe(1);
    for (const fire of [
      () => crds.handlers[0]!.onAdd?.(crd),
      () => crds.handlers[0]!.onUpdate?.(crd, crd),
      () => crds.handlers[0]!.onDelete?.(crd),
    ]) {
      fire();
      await discovery.get();
    }
    expect(discoveryReads).toBe(4);
  });
});
