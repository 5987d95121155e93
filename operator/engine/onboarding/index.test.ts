import {
  ANNOTATION_ONBOARDED_FROM,
  ANNOTATION_ONBOARDING_PENDING,
  buildKcpObject,
  planOnboarding,
  reservedForOnboarding,
  EVENT_REASON_ONBOARDED,
  EVENT_REASON_ONBOARDING_CONFLICT,
  EVENT_REASON_ONBOARDING_INVALID_TARGET,
  EVENT_REASON_ONBOARDING_NOT_BOUND,
  type OnboardingDecision,
  type OnboardingFacts,
} from './index.js';
import { objectKeyAnnotations, objectKeyLabels, type ObjectKey } from '../sync/object-key.js';
import { LABEL_AGENT_NAME } from '../sync/keys.js';
import { filterAnnotations } from '../sync/strip.js';
import type { Unstructured } from '../sync/unstructured.js';

const ONBOARDING = {
  selector: { matchLabels: { onboard: 'yes' } },
  workspaceFrom: { label: 'example.com/workspace' },
};
const REMOTE = {
  apiVersion: 'kcp.example.com/v1',
  kind: 'Database',
  namespaced: true,
  subresources: ['status'],
};
const KEY: ObjectKey = { clusterName: 'ws1', workspacePath: '', namespace: 'team', name: 'db' };

function local(
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): Unstructured {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Database',
    metadata: {
      name: 'db',
      namespace: 'team',
      uid: 'local-uid',
      resourceVersion: '7',
      labels: { onboard: 'yes', 'example.com/workspace': 'ws1', app: 'x', ...(extra.labels ?? {}) },
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: { size: 3 },
    status: { ready: true },
  };
}

/** A local object after the claim step. */
const claimed = () =>
  local({
    labels: { ...objectKeyLabels(KEY), [LABEL_AGENT_NAME]: 'agent' },
    annotations: { ...objectKeyAnnotations(KEY), [ANNOTATION_ONBOARDING_PENDING]: 'ws1/team/db' },
  });

function facts(f: Partial<OnboardingFacts> = {}): OnboardingFacts {
  return {
    spec: ONBOARDING,
    local: local(),
    agentName: 'agent',
    remoteType: REMOTE,
    engaged: (c) => c === 'ws1',
    kcp: 'unknown',
    ...f,
  };
}

const reason = (d: OnboardingDecision) =>
  d.type === 'report' || d.type === 'conflict' || d.type === 'finish' ? d.event.reason : undefined;

describe('planOnboarding', () => {
  it('does nothing without onboarding or for objects the selector does not pick', () => {
    expect(planOnboarding(facts({ spec: undefined })).type).toBe('nothing');
    expect(planOnboarding(facts({ local: local({ labels: { onboard: 'no' } }) })).type).toBe('nothing');
  });

  it('walks ask → claim → create → finish for a new object', () => {
    const ask = planOnboarding(facts());
    expect(ask).toEqual({ type: 'askKcp', key: KEY });
    const claim = planOnboarding(facts({ kcp: 'absent' }));
    expect(claim.type).toBe('claim');
    if (claim.type !== 'claim') return;
    expect(claim.patch.metadata.labels).toEqual({ ...objectKeyLabels(KEY), [LABEL_AGENT_NAME]: 'agent' });
    expect(claim.patch.metadata.annotations[ANNOTATION_ONBOARDING_PENDING]).toBe('ws1/team/db');

    const create = planOnboarding(facts({ local: claimed(), kcp: 'absent' }));
    expect(create.type).toBe('create');
    if (create.type !== 'create') return;
    expect(create.object).toEqual({
      apiVersion: 'kcp.example.com/v1',
      kind: 'Database',
      metadata: { name: 'db', namespace: 'team', annotations: { [ANNOTATION_ONBOARDED_FROM]: 'local-uid' } },
      spec: { size: 3 },
    });

    const finish = planOnboarding(facts({ local: claimed(), kcp: create.object }));
    expect(finish.type).toBe('finish');
    expect(reason(finish)).toBe(EVENT_REASON_ONBOARDED);
    if (finish.type === 'finish')
      expect(finish.patch).toEqual({ metadata: { annotations: { [ANNOTATION_ONBOARDING_PENDING]: null } } });
  });

  it('leaves an onboarded object alone', () => {
    const done = local({
      labels: { ...objectKeyLabels(KEY), [LABEL_AGENT_NAME]: 'agent' },
      annotations: objectKeyAnnotations(KEY),
    });
    expect(planOnboarding(facts({ local: done, kcp: 'absent' })).type).toBe('nothing');
  });

  it('reports a conflict without writing when the kcp object exists before the claim', () => {
    const existing = {
      apiVersion: 'kcp.example.com/v1',
      kind: 'Database',
      metadata: { name: 'db', namespace: 'team' },
    };
    const d = planOnboarding(facts({ kcp: existing }));
    expect(d).toMatchObject({ type: 'conflict', patch: undefined });
    expect(reason(d)).toBe(EVENT_REASON_ONBOARDING_CONFLICT);
  });

  it('takes the claim back when a kcp object appeared that it did not create (attack: forged marker)', () => {
    const forged = {
      apiVersion: 'kcp.example.com/v1',
      kind: 'Database',
      metadata: {
        name: 'db',
        namespace: 'team',
        annotations: { [ANNOTATION_ONBOARDED_FROM]: 'guessed-uid' },
      },
    };
    const d = planOnboarding(facts({ local: claimed(), kcp: forged }));
    expect(d.type).toBe('conflict');
    if (d.type !== 'conflict') return;
    expect(d.patch!.metadata.labels).toEqual({
      ...Object.fromEntries(Object.keys(objectKeyLabels(KEY)).map((k) => [k, null])),
      [LABEL_AGENT_NAME]: null,
    });
    expect(d.patch!.metadata.annotations[ANNOTATION_ONBOARDING_PENDING]).toBeNull();
  });

  it('refuses workspaces that do not bind the export, paths and missing targets', () => {
    expect(reason(planOnboarding(facts({ engaged: () => false })))).toBe(EVENT_REASON_ONBOARDING_NOT_BOUND);
    const path = planOnboarding(
      facts({ local: local({ labels: { 'example.com/workspace': 'root:team' } }) }),
    );
    expect(reason(path)).toBe(EVENT_REASON_ONBOARDING_INVALID_TARGET);
    expect(path.type === 'report' && path.event.message).toContain('paths are not accepted');
    const none = local();
    delete none.metadata.labels['example.com/workspace'];
    expect(reason(planOnboarding(facts({ local: none })))).toBe(EVENT_REASON_ONBOARDING_INVALID_TARGET);
  });

  it('takes the namespace from namespaceFrom, else the local one; none for cluster-scoped kcp types', () => {
    const spec = { ...ONBOARDING, namespaceFrom: { annotation: 'example.com/namespace' } };
    const d = planOnboarding(
      facts({ spec, local: local({ annotations: { 'example.com/namespace': 'prod' } }) }),
    );
    expect(d).toEqual({ type: 'askKcp', key: { ...KEY, namespace: 'prod' } });
    const bad = planOnboarding(
      facts({ spec, local: local({ annotations: { 'example.com/namespace': 'Not_Valid' } }) }),
    );
    expect(reason(bad)).toBe(EVENT_REASON_ONBOARDING_INVALID_TARGET);
    const cluster = planOnboarding(facts({ remoteType: { ...REMOTE, namespaced: false } }));
    expect(cluster).toEqual({ type: 'askKcp', key: { ...KEY, namespace: '' } });
  });

  it('never onboards an object linked to another kcp object or agent', () => {
    const other: ObjectKey = { ...KEY, clusterName: 'ws9' };
    const linked = local({ labels: objectKeyLabels(other), annotations: objectKeyAnnotations(other) });
    expect(planOnboarding(facts({ local: linked, kcp: 'absent' })).type).toBe('nothing');
    const foreign = local({ labels: { [LABEL_AGENT_NAME]: 'other-agent' } });
    expect(planOnboarding(facts({ local: foreign, kcp: 'absent' })).type).toBe('nothing');
  });

  it('takes its claim back when the object is deselected or retargeted half-way, then claims anew', () => {
    const deselected = claimed();
    deselected.metadata.labels.onboard = 'no';
    const d = planOnboarding(facts({ local: deselected }));
    expect(d.type).toBe('release');
    if (d.type === 'release') expect(d.patch.metadata.annotations[ANNOTATION_ONBOARDING_PENDING]).toBeNull();

    const retargeted = claimed();
    retargeted.metadata.labels['example.com/workspace'] = 'ws2';
    expect(planOnboarding(facts({ local: retargeted }))).toMatchObject({ type: 'release', key: KEY });
    const invalid = claimed();
    invalid.metadata.labels['example.com/workspace'] = 'root:org';
    expect(planOnboarding(facts({ local: invalid }))).toMatchObject({ type: 'release', key: KEY });
  });

  it("never takes back another agent's claim", () => {
    const theirs = claimed();
    theirs.metadata.labels[LABEL_AGENT_NAME] = 'other-agent';
    theirs.metadata.labels.onboard = 'no';
    expect(planOnboarding(facts({ local: theirs })).type).toBe('nothing');
  });

  it('does not touch objects being deleted', () => {
    const l = local();
    l.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(planOnboarding(facts({ local: l })).type).toBe('nothing');
  });
});

describe('buildKcpObject', () => {
  it('copies spec content but no labels, annotations or status of the provider', () => {
    const obj = buildKcpObject(local({ annotations: { secret: 'x' } }), KEY, REMOTE);
    expect(obj.metadata.labels).toBeUndefined();
    expect(obj.metadata.annotations).toEqual({ [ANNOTATION_ONBOARDED_FROM]: 'local-uid' });
    expect(obj.status).toBeUndefined();
  });
});

describe('reservedForOnboarding', () => {
  it('reserves selected objects without identity, not linked ones or unselected ones', () => {
    expect(reservedForOnboarding(ONBOARDING, local(), KEY, 'agent')).toBeDefined();
    expect(reservedForOnboarding(undefined, local(), KEY, 'agent')).toBeUndefined();
    expect(
      reservedForOnboarding(ONBOARDING, local({ labels: { onboard: 'no' } }), KEY, 'agent'),
    ).toBeUndefined();
    expect(reservedForOnboarding(ONBOARDING, claimed(), KEY, 'agent')).toBeUndefined();
  });
});

it('the pending marker is never copied between sides (a consumer cannot stall or fake an onboarding)', () => {
  expect(filterAnnotations({ [ANNOTATION_ONBOARDING_PENDING]: 'x', keep: 'y' })).toEqual({ keep: 'y' });
});
