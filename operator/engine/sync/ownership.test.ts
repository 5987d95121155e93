import { ANNOTATION_REMOTE_NAME, LABEL_AGENT_NAME, LABEL_REMOTE_CLUSTER } from './keys.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from './object-key.js';
import { classifyOwnership } from './ownership.js';

const a: ObjectKey = { clusterName: 'team-a', workspacePath: '', namespace: 'default', name: 'db' };
const b: ObjectKey = { clusterName: 'team-b', workspacePath: '', namespace: 'default', name: 'db' };

const copyOf = (key: ObjectKey, agent = 'agent') => ({
  metadata: {
    name: 'db',
    namespace: 'tenants',
    labels: { ...objectKeyLabels(key), [LABEL_AGENT_NAME]: agent, app: 'x' } as Record<string, string>,
    annotations: objectKeyAnnotations(key),
  },
});

describe('classifyOwnership', () => {
  it("is self for this object's copy", () => {
    expect(classifyOwnership(copyOf(a), a, 'agent')).toEqual({ owner: 'self' });
  });

  it("is other for another workspace's copy of an object with the same name", () => {
    expect(classifyOwnership(copyOf(a), b, 'agent')).toEqual({
      owner: 'other',
      description: 'team-a/default/db (agent agent)',
    });
  });

  it("is other for a copy carrying another agent's name, even with this identity", () => {
    expect(classifyOwnership(copyOf(a, 'agent-2'), a, 'agent')).toMatchObject({ owner: 'other' });
    // related objects (no agent name) only compare identities
    expect(classifyOwnership(copyOf(a, 'agent-2'), a, '')).toEqual({ owner: 'self' });
  });

  it('is none for an object without sync metadata (a plain provider object, or labels lost)', () => {
    expect(classifyOwnership({ metadata: { name: 'db', labels: { app: 'x' } } }, a, 'agent')).toEqual({
      owner: 'none',
    });
  });

  it('judges by what is left: annotations alone still identify the owner', () => {
    const onlyAnnotations = { metadata: { name: 'db', annotations: objectKeyAnnotations(a) } };
    expect(classifyOwnership(onlyAnnotations, a, 'agent')).toEqual({ owner: 'self' });
    expect(classifyOwnership(onlyAnnotations, { ...a, name: 'other' }, 'agent')).toMatchObject({
      owner: 'other',
    });
  });

  it('one foreign key is enough (a half-forged or half-stripped identity is not ours)', () => {
    const mixed = copyOf(a);
    mixed.metadata.labels[LABEL_REMOTE_CLUSTER] = 'team-b';
    expect(classifyOwnership(mixed, a, 'agent')).toMatchObject({ owner: 'other' });
    const renamed = copyOf(a);
    renamed.metadata.annotations[ANNOTATION_REMOTE_NAME] = 'other';
    expect(classifyOwnership(renamed, a, 'agent')).toMatchObject({ owner: 'other' });
  });

  it('a namespace hash where the object is cluster-scoped is foreign', () => {
    const clusterScoped: ObjectKey = { ...a, namespace: '' };
    expect(classifyOwnership(copyOf(a), clusterScoped, 'agent')).toMatchObject({ owner: 'other' });
  });
});
