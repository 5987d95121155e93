import type { PublishedResource } from '../../apis/v1alpha1/types.js';
import { affectsSchema } from './controller.js';

const pr = (
  generation: number,
  status: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): PublishedResource =>
  ({
    apiVersion: 'syncagent.kcp.io/v1alpha1',
    kind: 'PublishedResource',
    metadata: { name: 'p', generation, resourceVersion: String(Math.random()), ...extra },
    status,
  }) as unknown as PublishedResource; // no spec: affectsSchema does not read it

describe('apiresourceschema: which PublishedResource updates are reconciled', () => {
  it('ignores condition-only status writes', () => {
    expect(
      affectsSchema(
        pr(1, { resourceSchemaName: 'v1.x', conditions: [] }),
        pr(1, { resourceSchemaName: 'v1.x', conditions: [{ type: 'Ready', status: 'True' }] }),
      ),
    ).toBe(false);
  });
  it('reconciles spec changes, deletion and a changed recorded schema name', () => {
    expect(affectsSchema(pr(1), pr(2))).toBe(true);
    expect(affectsSchema(pr(1), pr(1, {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(affectsSchema(pr(1, { resourceSchemaName: 'v1.x' }), pr(1, {}))).toBe(true);
  });
  it('reconciles a changed SchemaChangeHeld (a stale write by another controller may have flipped it)', () => {
    const held = (status: string) => pr(1, { conditions: [{ type: 'SchemaChangeHeld', status }] });
    expect(affectsSchema(held('False'), held('True'))).toBe(true);
    expect(affectsSchema(pr(1, { conditions: [] }), held('True'))).toBe(true);
    expect(affectsSchema(held('True'), held('True'))).toBe(false);
  });
});
