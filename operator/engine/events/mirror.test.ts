import {
  ANNOTATION_REMOTE_NAME,
  ANNOTATION_REMOTE_NAMESPACE,
  LABEL_AGENT_NAME,
  LABEL_REMOTE_CLUSTER,
} from '../sync/keys.js';
import type { Unstructured } from '../sync/unstructured.js';
import {
  MAX_MIRRORED_MESSAGE,
  mirroredMessage,
  planMirror,
  type MirrorFacts,
  type SourceEvent,
} from './mirror.js';
import { eventAllowed, validateEventMirror } from './spec.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');

function copy(over: Partial<{ uid: string; agent: string; cluster: string }> = {}): Unstructured {
  return {
    apiVersion: 'example.com/v1',
    kind: 'CronTab',
    metadata: {
      name: 'nightly',
      namespace: 'ws1',
      uid: over.uid ?? 'copy-uid',
      labels: { [LABEL_AGENT_NAME]: over.agent ?? 'agent-a', [LABEL_REMOTE_CLUSTER]: over.cluster ?? 'ws1' },
      annotations: { [ANNOTATION_REMOTE_NAME]: 'nightly', [ANNOTATION_REMOTE_NAMESPACE]: 'default' },
    },
  } as Unstructured;
}

function event(over: Partial<SourceEvent> = {}): SourceEvent {
  return {
    metadata: { uid: 'ev1', namespace: 'ws1', name: 'nightly.1' },
    involvedObject: {
      apiVersion: 'example.com/v1',
      kind: 'CronTab',
      namespace: 'ws1',
      name: 'nightly',
      uid: 'copy-uid',
    },
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting',
    count: 1,
    source: { component: 'crontab-operator' },
    lastTimestamp: '2026-12-07T10:00:05Z',
    ...over,
  };
}

function facts(over: Partial<MirrorFacts> = {}): MirrorFacts {
  return {
    event: event(),
    spec: { mirror: true },
    agentName: 'agent-a',
    copyType: { apiVersion: 'example.com/v1', kind: 'CronTab' },
    copy: copy(),
    notBeforeMs: T0,
    ...over,
  };
}

describe('planMirror', () => {
  it('mirrors an event about a copy onto the kcp object its metadata names, with the source as prefix', () => {
    expect(planMirror(facts())).toEqual({
      type: 'mirror',
      target: { cluster: 'ws1', namespace: 'default', name: 'nightly' },
      eventType: 'Warning',
      reason: 'BackOff',
      message: '[provider crontab-operator] Back-off restarting',
    });
  });

  it('skips events the allow-list does not name', () => {
    const spec = { mirror: true, allow: [{ type: 'Warning', reason: 'Failed' }] };
    expect(planMirror(facts({ spec }))).toEqual({ type: 'skip', why: 'not allowed' });
  });

  it('skips an event whose UID is not the cached copy (a namesake)', () => {
    expect(planMirror(facts({ copy: copy({ uid: 'other' }) })).type).toBe('skip');
    expect(planMirror(facts({ copy: undefined })).type).toBe('skip');
    const noUid = event({ involvedObject: { ...event().involvedObject, uid: undefined } });
    expect(
      planMirror(
        facts({ event: noUid, copy: { ...copy(), metadata: { ...copy().metadata, uid: undefined } } }),
      ).type,
    ).toBe('skip');
  });

  it('skips objects of another agent and objects that name no kcp object', () => {
    expect(planMirror(facts({ copy: copy({ agent: 'agent-b' }) }))).toEqual({
      type: 'skip',
      why: 'not a copy of this agent',
    });
    expect(planMirror(facts({ copy: copy({ cluster: '' }) }))).toEqual({
      type: 'skip',
      why: 'copy names no kcp object',
    });
  });

  it('targets the workspace from the copy, whatever the event says', () => {
    const ev = event({ involvedObject: { ...event().involvedObject, namespace: 'ws2' } });
    const d = planMirror(facts({ event: ev, copy: copy({ cluster: 'ws7' }) }));
    expect(d.type === 'mirror' && d.target.cluster).toBe('ws7');
  });

  it('skips events of another type, history and events without a valid type or reason', () => {
    const other = event({ involvedObject: { ...event().involvedObject, kind: 'Pod', apiVersion: 'v1' } });
    expect(planMirror(facts({ event: other })).type).toBe('skip');
    expect(planMirror(facts({ event: event({ lastTimestamp: '2026-12-07T09:59:00Z' }) }))).toEqual({
      type: 'skip',
      why: 'happened before mirroring started',
    });
    expect(planMirror(facts({ event: event({ type: 'Info' }) })).type).toBe('skip');
    expect(planMirror(facts({ event: event({ reason: '' }) })).type).toBe('skip');
  });

  it('reads events.k8s.io/v1 events seen through core/v1 (series time, reporting component)', () => {
    const ev = event({
      lastTimestamp: null,
      source: {},
      reportingComponent: 'ctrl',
      series: { count: 3, lastObservedTime: '2026-12-07T10:01:00.000000Z' },
    });
    const d = planMirror(facts({ event: ev }));
    expect(d.type === 'mirror' && d.message).toBe('[provider ctrl] Back-off restarting');
  });

  it('skips an event in another namespace than the namespaced copy', () => {
    const ev = event({ metadata: { uid: 'e', namespace: 'elsewhere', name: 'x' } });
    expect(planMirror(facts({ event: ev })).type).toBe('skip');
  });
});

describe('mirroredMessage', () => {
  it('cuts long messages', () => {
    const m = mirroredMessage('op', 'x'.repeat(5000));
    expect(m).toHaveLength(MAX_MIRRORED_MESSAGE);
    expect(m.endsWith('...')).toBe(true);
    expect(mirroredMessage('', 'hi')).toBe('[provider unknown] hi');
  });
});

describe('allow-list', () => {
  it('matches type and reason, with * and omitted fields as wildcards', () => {
    const spec = { mirror: true, allow: [{ type: 'Warning', reason: 'BackOff' }, { type: 'Normal' }] };
    expect(eventAllowed(spec, 'Warning', 'BackOff')).toBe(true);
    expect(eventAllowed(spec, 'Warning', 'Failed')).toBe(false);
    expect(eventAllowed(spec, 'Normal', 'Anything')).toBe(true);
    expect(eventAllowed({ mirror: true, allow: [{ reason: '*' }] }, 'Warning', 'X')).toBe(true);
    expect(eventAllowed({ mirror: true }, 'Warning', 'X')).toBe(true);
  });

  it('reports bad rules by field', () => {
    expect(validateEventMirror({ mirror: true, allow: [{ type: 'Error' }, { reason: '' }] })).toEqual([
      { field: 'spec.events.allow[0].type', value: 'Error', message: 'must be Normal, Warning or *' },
      {
        field: 'spec.events.allow[1].reason',
        value: '',
        message: 'must be * or a reason of 1 to 128 characters',
      },
    ]);
    expect(validateEventMirror({ mirror: true, allow: [] })[0]?.field).toBe('spec.events.allow');
    expect(validateEventMirror(undefined)).toEqual([]);
  });
});
