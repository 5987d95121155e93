import type { SchemaSpec } from './compat.js';
import { decideSchemaUpdate, REASON_BREAKING_CHANGE, REASON_UPDATES_DISABLED } from './update-policy.js';

function spec(props: Record<string, { type: string }>): SchemaSpec {
  return {
    group: 'kcp.example.com',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {},
        schema: { type: 'object', properties: props },
      },
    ],
  };
}

const published = { name: 'vaaaa.crontabs.kcp.example.com', spec: spec({ a: { type: 'string' } }) };
const compatible = {
  name: 'vbbbb.crontabs.kcp.example.com',
  spec: spec({ a: { type: 'string' }, b: { type: 'string' } }),
};
const breaking = { name: 'vcccc.crontabs.kcp.example.com', spec: spec({}) };

describe('decideSchemaUpdate', () => {
  it('publishes everything under Always and when no policy is set', () => {
    expect(decideSchemaUpdate('Always', published, breaking).publish).toBe(true);
    expect(decideSchemaUpdate(undefined, published, breaking).publish).toBe(true);
  });

  it('never holds the first publish or an unchanged schema', () => {
    for (const policy of ['CompatibleOnly', 'Never'] as const) {
      expect(decideSchemaUpdate(policy, undefined, breaking).publish).toBe(true);
      expect(decideSchemaUpdate(policy, published, { ...published }).publish).toBe(true);
    }
  });

  it('publishes compatible changes and holds breaking ones under CompatibleOnly', () => {
    expect(decideSchemaUpdate('CompatibleOnly', published, compatible)).toMatchObject({ publish: true });
    const held = decideSchemaUpdate('CompatibleOnly', published, breaking);
    expect(held).toMatchObject({ publish: false, reason: REASON_BREAKING_CHANGE });
    expect(held.publish === false && held.message).toBe(
      'APIResourceSchema vcccc.crontabs.kcp.example.com is not published; the APIExport keeps ' +
        'vaaaa.crontabs.kcp.example.com (schemaUpdatePolicy CompatibleOnly); breaking changes: ' +
        'versions[v1].a: field removed',
    );
  });

  it('holds every change under Never', () => {
    const held = decideSchemaUpdate('Never', published, compatible);
    expect(held).toMatchObject({ publish: false, reason: REASON_UPDATES_DISABLED });
    expect(held.publish === false && held.message).toContain('versions[v1].b: optional field added');
    const docs = { name: 'vdddd.crontabs.kcp.example.com', spec: published.spec };
    const docHeld = decideSchemaUpdate('Never', published, docs);
    expect(docHeld.publish === false && docHeld.message).toContain('(documentation-only change)');
  });
});
