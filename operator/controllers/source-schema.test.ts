import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { apiResourceSchemaName } from '../engine/schema/ars.js';
import { goMarshal } from '../golang/json/marshal.js';
import { parseCrdYaml } from '../engine/schema/lossless.js';
import { projectCRD } from '../engine/schema/projection.js';
import { FakeClock } from '../runtime/clock.js';
import { CachedDiscovery, fetchServerGroupsAndResources } from '../runtime/client/discovery.js';
import {
  fetchSourceSchema,
  PublishedSchemaReader,
  publishedSchema,
  type SchemaClient,
} from './source-schema.js';

const dir = new URL('../engine/schema/testdata/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, dir), 'utf8');
const crdJson = goMarshal(parseCrdYaml(read('cases/big-integers/crd.yaml')));
const bigIntegersPR = parse(read('cases/big-integers/pubres-all.yaml')) as PublishedResource;
const goName = read('golden/big-integers/all.ars-name.txt').trim();

const notFound = (path: string) => Object.assign(new Error(`${path} not found`), { status: 404 });

/**
 * A service cluster serving the big-integers CRD (Kind Counter in big.example.org) and, once
 * `installWidget()` ran, a Widget CRD in the same group; counts every request by path.
 */
function fakeCluster() {
  const requests: string[] = [];
  const kinds = ['Counter'];
  const widgetCRD = JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.big.example.org' },
    spec: {
      group: 'big.example.org',
      names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
  const getJSON = async (path: string): Promise<unknown> => {
    requests.push(path);
    if (path === '/api') return { versions: [] };
    if (path === '/apis')
      return {
        groups: [
          {
            name: 'big.example.org',
            versions: [{ groupVersion: 'big.example.org/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'big.example.org/v1', version: 'v1' },
          },
        ],
      };
    if (path === '/apis/big.example.org/v1')
      return {
        groupVersion: 'big.example.org/v1',
        resources: kinds.map((kind) => ({
          name: `${kind.toLowerCase()}s`,
          singularName: kind.toLowerCase(),
          namespaced: true,
          kind,
          verbs: ['get'],
        })),
      };
    throw notFound(path);
  };
  const getText = async (path: string): Promise<string> => {
    requests.push(path);
    const crds: Record<string, string> = { 'counters.big.example.org': crdJson };
    if (kinds.includes('Widget')) crds['widgets.big.example.org'] = widgetCRD;
    const name = path.replace('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/', '');
    if (crds[name]) return crds[name];
    throw notFound(path);
  };
  const discovery = new CachedDiscovery(getJSON, { clock: new FakeClock() });
  const client: SchemaClient = {
    request: ((_method: string, path: string) => getJSON(path)) as SchemaClient['request'],
    requestText: (_method: string, path: string) => getText(path),
    discovery,
  };
  return {
    client,
    discovery,
    getJSON,
    getText,
    installWidget: () => kinds.push('Widget'),
    discoveryReads: () => requests.filter((p) => p === '/apis').length,
  };
}

const prFor = (name: string, kind: string): PublishedResource =>
  ({
    apiVersion: 'syncagent.kcp.io/v1alpha1',
    kind: 'PublishedResource',
    metadata: { name },
    spec: { resource: { apiGroup: 'big.example.org', kind, version: 'v1' } },
  }) as PublishedResource;

describe('fetchSourceSchema', () => {
  // The fake answers the CRD only as text (getJSON gives 404 for it and for /openapi/v2).
  it('decodes the CRD losslessly from a client that offers the body text', async () => {
    const cluster = fakeCluster();
    const discovery = await fetchServerGroupsAndResources(cluster.getJSON);
    const source = await fetchSourceSchema(cluster, discovery, 'big.example.org', 'Counter');
    expect(apiResourceSchemaName(projectCRD(source, bigIntegersPR.spec))).toBe(goName);
  });
});

describe('PublishedSchemaReader', () => {
  it('reads discovery once for the schemas of many PublishedResources', async () => {
    const cluster = fakeCluster();
    const schemas = new PublishedSchemaReader(cluster.client);
    const names = await Promise.all(
      Array.from({ length: 10 }, (_, i) => schemas.schemaOf(prFor(`pr-${i}`, 'Counter'))),
    );
    expect(new Set(names.map((n) => n.schemaName)).size).toBe(1);
    expect(cluster.discoveryReads()).toBe(1);
  });

  it('uses the client cache across readers (reconciles)', async () => {
    const cluster = fakeCluster();
    const first = await publishedSchema(cluster.client, bigIntegersPR);
    const second = await publishedSchema(cluster.client, bigIntegersPR);
    expect(second.schemaName).toBe(first.schemaName);
    expect(first.schemaName).toBe(goName);
    expect(cluster.discoveryReads()).toBe(1);
  });

  it('fetches discovery again once when a Kind is missing from discovery cached before it started', async () => {
    const cluster = fakeCluster();
    await publishedSchema(cluster.client, prFor('counter', 'Counter'));
    cluster.installWidget();
    const schemas = new PublishedSchemaReader(cluster.client);
    const widget = await schemas.schemaOf(prFor('widget', 'Widget'));
    expect(widget.source.spec.names.kind).toBe('Widget');
    await schemas.schemaOf(prFor('widget-2', 'Widget'));
    expect(cluster.discoveryReads()).toBe(2);
  });

  it('does not fetch again when discovery it fetched itself lacks the Kind', async () => {
    const cluster = fakeCluster();
    const schemas = new PublishedSchemaReader(cluster.client);
    await expect(schemas.schemaOf(prFor('missing', 'Missing'))).rejects.toThrow(
      'could not find Missing.big.example.org in APIs',
    );
    await expect(schemas.schemaOf(prFor('missing-2', 'Missing'))).rejects.toThrow(/could not find/);
    expect(cluster.discoveryReads()).toBe(1);
  });
});
