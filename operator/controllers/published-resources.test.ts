import type { PublishedResource } from '../apis/v1alpha1/types.js';
import type { Condition } from '../engine/conditions.js';
import { resourcePath } from '../runtime/client/paths.js';
import { RestClient } from '../runtime/client/rest.js';
import type { KubeObject } from '../runtime/client/types.js';
import { testRestConfig } from '../runtime/testing/config.js';
import { FakeObjectServer } from '../runtime/testing/fake-multi.js';
import {
  CONDITION_CLAIMS_VALID,
  CONDITION_CONFIG_VALID,
  CONDITION_SCHEMA_PUBLISHED,
  CONDITION_SYNCING,
  GVR_PUBLISHED_RESOURCES,
  updatePublishedResourceStatus,
} from './published-resources.js';

const PR_RESOURCE = {
  ...GVR_PUBLISHED_RESOURCES,
  kind: 'PublishedResource',
  namespaced: false,
  status: true,
};

/** A fake API server holding `pr`, its client, the status it stores and the PATCHes it received. */
async function fakeServer(p: PublishedResource) {
  const server = new FakeObjectServer().serve(PR_RESOURCE);
  await server.start();
  const client = new RestClient(testRestConfig(server.url));
  const created = await client.create(GVR_PUBLISHED_RESOURCES, p as unknown as KubeObject);
  Object.assign(p.metadata, { resourceVersion: created.metadata?.resourceVersion });
  const path = resourcePath({ gvr: GVR_PUBLISHED_RESOURCES, name: p.metadata.name });
  return {
    client,
    patches: () => server.log.filter((r) => r.method === 'PATCH').map((r) => r.body),
    stored: () => server.get(path) as PublishedResource,
    stop: () => server.stop(),
  };
}

const pr = (): PublishedResource => ({
  metadata: { name: 'p', generation: 3 },
  spec: { resource: { apiGroup: 'example.com', kind: 'CronTab' } },
});

const byType = (p: PublishedResource) =>
  Object.fromEntries(
    ((p.status as { conditions?: Condition[] }).conditions ?? []).map((c) => [
      c.type,
      `${c.status}/${c.reason}`,
    ]),
  );

describe('PublishedResource status', () => {
  it('applies what it wrote to the copy, so a second write in one reconcile keeps the first', async () => {
    const p = pr();
    const server = await fakeServer(p);
    const { client, patches } = server;
    await updatePublishedResourceStatus(client, p, {
      conditions: [
        { type: CONDITION_CONFIG_VALID, status: 'False', reason: 'InvalidField', message: 'f: "v": m' },
      ],
    });
    await updatePublishedResourceStatus(client, p, {
      resourceSchemaName: 'v1.crontabs.example.com',
      conditions: [{ type: CONDITION_SCHEMA_PUBLISHED, status: 'True', reason: 'Published', message: 'ok' }],
    });
    expect(patches()).toHaveLength(2);
    expect(p.status?.resourceSchemaName).toBe('v1.crontabs.example.com');
    const expected = {
      ConfigValid: 'False/InvalidField',
      SchemaPublished: 'True/Published',
      Ready: 'False/InvalidField',
    };
    expect(byType(p)).toEqual(expected);
    // The server holds the same: the second patch did not drop the first condition.
    expect(byType(server.stored())).toEqual(expected);
    expect(server.stored().status?.resourceSchemaName).toBe('v1.crontabs.example.com');
    // Nothing changed: nothing sent.
    await updatePublishedResourceStatus(client, p, {
      conditions: [{ type: CONDITION_SCHEMA_PUBLISHED, status: 'True', reason: 'Published', message: 'ok' }],
    });
    expect(patches()).toHaveLength(2);
    await server.stop();
  });

  it('is Ready only without configuration or claim problems', async () => {
    const p = pr();
    const server = await fakeServer(p);
    const { client } = server;
    const ok = (type: string, reason: string) => ({ type, status: 'True' as const, reason, message: '' });
    await updatePublishedResourceStatus(client, p, {
      conditions: [ok(CONDITION_SCHEMA_PUBLISHED, 'Published'), ok(CONDITION_SYNCING, 'Syncing')],
    });
    expect(byType(p).Ready).toBe('True/Ready');
    await updatePublishedResourceStatus(client, p, {
      conditions: [
        { type: CONDITION_CLAIMS_VALID, status: 'False', reason: 'InvalidField', message: 'claim' },
      ],
    });
    expect(byType(p).Ready).toBe('False/InvalidField');
    await updatePublishedResourceStatus(client, p, { conditions: [ok(CONDITION_CLAIMS_VALID, 'Accepted')] });
    expect(byType(p).Ready).toBe('True/Ready');
    expect(byType(server.stored()).Ready).toBe('True/Ready');
    await server.stop();
  });
});
