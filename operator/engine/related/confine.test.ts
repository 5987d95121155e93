import type { RelatedResourceSpec } from '../../apis/v1alpha1/types.js';
import { objectKeyLabels } from '../sync/object-key.js';
import {
  confineNamespace,
  foreignIdentity,
  relatedNameProblem,
  relatedOwnerValue,
  relatedOwnership,
  serviceNamespaceControl,
  whenRefused,
  type ConfineInput,
  type KcpIdentity,
  type NamespaceControl,
} from './confine.js';

type Spec = Pick<RelatedResourceSpec, 'origin' | 'object'>;
const rel = (origin: 'kcp' | 'service', namespace?: Spec['object']['namespace']): Spec => ({
  origin,
  object: { template: { template: 'x' }, ...(namespace ? { namespace } : {}) },
});

describe('serviceNamespaceControl', () => {
  const rewrite = { template: { template: '{{ .Value }}' } };
  it.each<[string, Spec, NamespaceControl]>([
    ['no namespace rule', rel('service'), 'own'],
    ['reference (service)', rel('service', { reference: { path: 'spec.ns' } }), 'consumer'],
    ['reference (kcp)', rel('kcp', { reference: { path: 'spec.ns' } }), 'consumer'],
    [
      'reference with constant regex',
      rel('kcp', { reference: { path: 'a', regex: { replacement: 'x' } } }),
      'consumer',
    ],
    ['constant template', rel('service', { template: { template: 'provider-creds' } }), 'fixed'],
    [
      'template with an action',
      rel('service', { template: { template: '{{ .Object.spec.ns }}' } }),
      'consumer',
    ],
    [
      'service selector with constant labels',
      rel('service', { selector: { matchLabels: { creds: 'yes' }, rewrite } }),
      'fixed',
    ],
    [
      'service selector with a templated value',
      rel('service', { selector: { matchLabels: { owner: '{{ .RemoteObject.spec.x }}' }, rewrite } }),
      'consumer',
    ],
    [
      'service selector with a templated key',
      rel('service', { selector: { matchLabels: { '{{ .ClusterName }}': 'x' }, rewrite } }),
      'consumer',
    ],
    [
      'kcp selector, template rewrite',
      rel('kcp', { selector: { matchLabels: { a: 'b' }, rewrite } }),
      'consumer',
    ],
    [
      'kcp selector, constant template rewrite',
      rel('kcp', { selector: { matchLabels: { a: 'b' }, rewrite: { template: { template: 'fixed' } } } }),
      'fixed',
    ],
    [
      'kcp selector, constant regex rewrite',
      rel('kcp', { selector: { matchLabels: { a: 'b' }, rewrite: { regex: { replacement: 'fixed' } } } }),
      'fixed',
    ],
    [
      'kcp selector, regex rewrite with a pattern',
      rel('kcp', { selector: { rewrite: { regex: { pattern: '^(.*)$', replacement: 'x-$1' } } } }),
      'consumer',
    ],
    ['kcp selector, no rewrite', rel('kcp', { selector: { rewrite: {} } }), 'consumer'],
  ])('%s', (_name, spec, want) => {
    expect(serviceNamespaceControl(spec)).toBe(want);
  });
});

describe('confineNamespace', () => {
  const base: ConfineInput = {
    namespace: 'team-a',
    control: 'consumer',
    ownNamespace: 'team-a',
    agentNamespace: 'kube-system',
  };
  it.each<[string, Partial<ConfineInput>, boolean | 'needs-labels']>([
    ['the copy namespace', {}, true],
    ['another tenant namespace', { namespace: 'team-b' }, false],
    ['cluster-scoped copy', { ownNamespace: undefined }, false],
    ['listed in allowedNamespaces.names', { namespace: 'shared', allowed: { names: ['shared'] } }, true],
    ['not listed', { namespace: 'other', allowed: { names: ['shared'] } }, false],
    [
      'selector, labels not looked up yet',
      { namespace: 'x', allowed: { selector: { matchLabels: { t: 'y' } } } },
      'needs-labels',
    ],
    [
      'selector matches',
      { namespace: 'x', allowed: { selector: { matchLabels: { t: 'y' } } }, namespaceLabels: { t: 'y' } },
      true,
    ],
    [
      'selector does not match',
      { namespace: 'x', allowed: { selector: { matchLabels: { t: 'y' } } }, namespaceLabels: { t: 'n' } },
      false,
    ],
    [
      'selector, namespace missing',
      { namespace: 'x', allowed: { selector: {} }, namespaceLabels: null },
      false,
    ],
    ['agent namespace', { namespace: 'kube-system' }, false],
    [
      'agent namespace even when listed',
      { namespace: 'kube-system', allowed: { names: ['kube-system'] } },
      false,
    ],
    [
      'agent namespace even when selected',
      { namespace: 'kube-system', allowed: { selector: {} }, namespaceLabels: {} },
      false,
    ],
    [
      'agent namespace even when it is the copy namespace',
      { namespace: 'kube-system', ownNamespace: 'kube-system' },
      false,
    ],
    ['agent namespace even as a provider constant', { namespace: 'kube-system', control: 'fixed' }, false],
    ['provider constant elsewhere', { namespace: 'provider-creds', control: 'fixed' }, true],
    ['own (no namespace rule)', { namespace: 'anything', control: 'own' }, true],
  ])('%s', (_name, over, want) => {
    const v = confineNamespace({ ...base, ...over });
    expect(v.allowed).toBe(want);
    if (v.allowed === false) expect(v.reason).toContain(JSON.stringify(over.namespace ?? base.namespace));
  });

  it('names the copy namespace and the field in the reason', () => {
    const v = confineNamespace({ ...base, namespace: 'team-b' });
    expect(v).toEqual({
      allowed: false,
      reason:
        'namespace "team-b" comes from the consumer\'s object and is neither the namespace of its copy ("team-a") nor allowed by allowedNamespaces',
    });
  });
});

describe('relatedNameProblem', () => {
  const ok = { originNamespace: 'a', originName: 'n', destNamespace: 'b', destName: 'm' };
  it.each<[string, Partial<typeof ok>, string | undefined]>([
    ['valid', {}, undefined],
    ['dotted names are fine', { destName: 'a.b-c' }, undefined],
    ['..', { originName: '..' }, 'invalid origin name ".."'],
    ['.', { destName: '.' }, 'invalid destination name "."'],
    ['slash', { destName: 'a/b' }, 'invalid destination name "a/b"'],
    ['percent', { originName: 'a%2Fb' }, 'invalid origin name "a%2Fb"'],
    ['upper case', { destName: 'Secret' }, 'invalid destination name "Secret"'],
    ['empty name', { destName: '' }, 'invalid destination name "": must not be empty'],
    ['too long', { destName: 'a'.repeat(254) }, 'must be no more than 253 characters (has 254)'],
    ['namespace with a dot', { destNamespace: 'a.b' }, 'invalid destination namespace "a.b"'],
    ['namespace ..', { originNamespace: '..' }, 'invalid origin namespace ".."'],
    [
      'empty namespace on one side',
      { originNamespace: '' },
      'invalid origin namespace "": must not be empty',
    ],
    ['cluster-scoped (no namespace on both sides)', { originNamespace: '', destNamespace: '' }, undefined],
    ['namespace too long', { destNamespace: 'a'.repeat(64) }, 'must be no more than 63 characters (has 64)'],
  ])('%s', (_name, over, want) => {
    const got = relatedNameProblem({ ...ok, ...over });
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(want);
  });
});

const A: KcpIdentity = { cluster: 'ws-a', namespace: 'default', name: 'db' };
const B: KcpIdentity = { cluster: 'ws-b', namespace: 'default', name: 'db' };
const labelsOf = (id: KcpIdentity) =>
  objectKeyLabels({ clusterName: id.cluster, workspacePath: '', namespace: id.namespace, name: id.name });
const withMeta = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  metadata: { name: 'x', namespace: 'tenants', labels, annotations },
});

describe('foreignIdentity', () => {
  it.each<[string, Record<string, unknown>, KcpIdentity[] | undefined, string | undefined]>([
    ['a plain provider object', withMeta(), undefined, undefined],
    ['the primary own labels', withMeta(labelsOf(A)), undefined, undefined],
    [
      'another primary labels',
      withMeta(labelsOf(B)),
      undefined,
      'carries the sync labels of an object in cluster "ws-b"',
    ],
    [
      'another primary labels and annotations',
      withMeta(labelsOf(B), {
        'syncagent.kcp.io/remote-object-name': 'db',
        'syncagent.kcp.io/remote-object-namespace': 'default',
      }),
      undefined,
      'carries the sync labels of ws-b/default/db',
    ],
    [
      'same cluster, another name',
      withMeta(labelsOf({ ...A, name: 'other' })),
      undefined,
      'carries the sync labels',
    ],
    [
      'only a cluster label of another workspace',
      withMeta({ 'syncagent.kcp.io/remote-object-cluster': 'ws-b' }),
      undefined,
      'ws-b',
    ],
    [
      'annotation naming another object',
      withMeta({}, { 'syncagent.kcp.io/remote-object-name': 'other' }),
      undefined,
      'carries the sync labels of another object',
    ],
    [
      'related-owner of this primary',
      withMeta({}, { 'syncagent.kcp.io/related-owner': 'ws-a/default/db' }),
      undefined,
      undefined,
    ],
    [
      'related-owner of another primary',
      withMeta({}, { 'syncagent.kcp.io/related-owner': 'ws-b/default/db' }),
      undefined,
      'it belongs to "ws-b/default/db"',
    ],
    ['owned by this primary copy', withMeta(), [A], undefined],
    ['owned by another primary copy', withMeta(), [A, B], 'it is owned by the copy of ws-b/default/db'],
  ])('%s', (_name, object, owners, want) => {
    const got = foreignIdentity({ object, primary: A, ...(owners ? { owners } : {}) });
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(want);
  });

  it('accepts the labels of the kcp origin object (adopted destinations of earlier versions)', () => {
    const origin: KcpIdentity = { cluster: 'ws-a', namespace: 'default', name: 'settings' };
    expect(
      foreignIdentity({ object: withMeta(labelsOf(origin)), primary: A, alsoAccepted: [origin] }),
    ).toBeUndefined();
    expect(foreignIdentity({ object: withMeta(labelsOf(origin)), primary: A })).toBeDefined();
  });
});

describe('relatedOwnership', () => {
  const owned = withMeta({}, { 'syncagent.kcp.io/related-owner': relatedOwnerValue(A) });
  it.each<[string, Parameters<typeof relatedOwnership>[0], string, boolean | undefined]>([
    [
      'no destination',
      { destination: undefined, primary: A, foreign: undefined, hasStateEntry: false },
      'create',
      undefined,
    ],
    [
      'annotated for this primary',
      { destination: owned, primary: A, foreign: undefined, hasStateEntry: false },
      'owned',
      false,
    ],
    [
      'state entry only (migration)',
      { destination: withMeta(), primary: A, foreign: undefined, hasStateEntry: true },
      'owned',
      true,
    ],
    [
      'neither',
      { destination: withMeta(), primary: A, foreign: undefined, hasStateEntry: false },
      'refused',
      undefined,
    ],
    [
      'foreign wins over a state entry',
      { destination: withMeta(), primary: A, foreign: 'x', hasStateEntry: true },
      'refused',
      undefined,
    ],
  ])('%s', (_name, input, verdict, annotate) => {
    const o = relatedOwnership(input);
    expect(o.verdict).toBe(verdict);
    if (o.verdict === 'owned') expect(o.annotate).toBe(annotate);
  });

  it('explains a refusal', () => {
    expect(
      relatedOwnership({ destination: withMeta(), primary: A, foreign: undefined, hasStateEntry: false }),
    ).toEqual({
      verdict: 'refused',
      reason:
        'it exists and was not created for this object (no syncagent.kcp.io/related-owner annotation, no state entry)',
    });
  });

  it('the owner value has an empty namespace for cluster-scoped primaries', () => {
    expect(relatedOwnerValue({ cluster: 'c', namespace: '', name: 'n' })).toBe('c//n');
  });
});

describe('whenRefused', () => {
  it.each<['kcp' | 'service', boolean, 'release' | 'skip']>([
    ['kcp', true, 'release'],
    ['kcp', false, 'skip'],
    ['service', true, 'skip'],
    ['service', false, 'skip'],
  ])('origin %s, deleting %s: %s', (origin, deleting, want) => {
    expect(whenRefused({ origin, deleting })).toBe(want);
  });
});
