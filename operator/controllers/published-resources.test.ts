import type { PublishedResource } from '../apis/v1alpha1/types.js';
import type { Condition } from '../engine/conditions.js';
import type { RestClient } from '../runtime/client/rest.js';
import {
  CONDITION_CLAIMS_VALID,
  CONDITION_CONFIG_VALID,
  CONDITION_SCHEMA_PUBLISHED,
  CONDITION_SYNCING,
  updatePublishedResourceStatus,
} from './published-resources.js';

function fakeClient(): { client: RestClient; patches: unknown[] } {
  const patches: unknown[] = [];
  const client = {
    patch: (_gvr: unknown, _name: string, body: unknown) => {
      patches.push(body);
      return Promise.resolve({});
    },
  } as unknown as RestClient;
  return { client, patches };
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
    const { client, patches } = fakeClient();
    const p = pr();
    await updatePublishedResourceStatus(client, p, {
      conditions: [
        { type: CONDITION_CONFIG_VALID, status: 'False', reason: 'InvalidField', message: 'f: "v": m' },
      ],
    });
    await updatePublishedResourceStatus(client, p, {
      resourceSchemaName: 'v1.crontabs.example.com',
      conditions: [{ type: CONDITION_SCHEMA_PUBLISHED, status: 'True', reason: 'Published', message: 'ok' }],
    });
    expect(patches).toHaveLength(2);
    expect(p.status?.resourceSchemaName).toBe('v1.crontabs.example.com');
    expect(byType(p)).toEqual({
      ConfigValid: 'False/InvalidField',
      SchemaPublished: 'True/Published',
      Ready: 'False/InvalidField',
    });
    // Nothing changed: nothing sent.
    await updatePublishedResourceStatus(client, p, {
      conditions: [{ type: CONDITION_SCHEMA_PUBLISHED, status: 'True', reason: 'Published', message: 'ok' }],
    });
    expect(patches).toHaveLength(2);
  });

  it('is Ready only without configuration or claim problems', async () => {
    const { client } = fakeClient();
    const p = pr();
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
  });
});
