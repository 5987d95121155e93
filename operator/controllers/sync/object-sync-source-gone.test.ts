// runObjectSync when the source vanished under it: a reconcile that starts from a cache still holding
// a deleted object with our finalizer sends the finalizer-removing PATCH; the server answers 404
// because an earlier reconcile released it already. That is the end of the object, not an error.
import { FINALIZER_CLEANUP } from '../../engine/sync/keys.js';
import type { Unstructured } from '../../engine/sync/unstructured.js';
import { ForbiddenError, NotFoundError } from '../../runtime/client/errors.js';
import type { GVR } from '../../runtime/client/paths.js';
import type { RestClient } from '../../runtime/client/rest.js';
import { runObjectSync, type ObjectSyncRun } from './object-sync.js';

const CRONTABS: GVR = { group: 'example.com', version: 'v1', resource: 'crontabs' };

function run(patchError: Error, events: string[]): ObjectSyncRun {
  const source: Unstructured = {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: {
      name: 'gone',
      namespace: 'default',
      deletionTimestamp: '2026-01-01T00:00:00Z',
      finalizers: [FINALIZER_CLEANUP],
    },
    spec: { a: 'b' },
  };
  const failingClient = {
    patch: async () => {
      throw patchError;
    },
  } as unknown as RestClient;
  const unused = {} as RestClient;
  return {
    source,
    destination: undefined,
    storedState: undefined,
    options: {
      agentName: 'a',
      subresources: ['status'],
      syncStatusBack: true,
      syncStatusForward: false,
      blockSourceDeletion: true,
      forceDelete: false,
      metadataOnDestination: true,
      sourceKey: { clusterName: 'c', workspacePath: '', namespace: 'default', name: 'gone' },
    },
    mutateSpec: (s) => s,
    mutateStatus: (d) => d,
    buildDestination: (s) => s,
    sourceSide: { client: failingClient, gvr: CRONTABS },
    destinationSide: { client: unused, gvr: CRONTABS },
    ensureNamespace: async () => undefined,
    recordEvent: (ev) => events.push(ev.reason),
    eventsOn: 'source',
  };
}

describe('runObjectSync: releasing a source that is already gone', () => {
  it('treats a 404 on the finalizer-removing PATCH as done: no error, no requeue, no event', async () => {
    const events: string[] = [];
    const notFound = new NotFoundError(404, 'NotFound', undefined, 'PATCH', '/crontabs/gone');
    const result = await runObjectSync(run(notFound, events));
    expect(result.requeue).toBe(false);
    expect(result.destination).toBeUndefined();
    expect(result.writes).toBe(0);
    expect(events).toEqual([]);
  });

  it('still fails on other errors of that PATCH', async () => {
    const forbidden = new ForbiddenError(403, 'Forbidden', undefined, 'PATCH', '/crontabs/gone');
    await expect(runObjectSync(run(forbidden, []))).rejects.toBe(forbidden);
  });
});
