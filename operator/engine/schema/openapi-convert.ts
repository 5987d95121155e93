/**
 * OpenAPI v2 model → JSONSchemaProps, for built-in and aggregated types that have no CRD
 * (docs/compatibility.md#openapi-conversion).
 *
 * Two steps mirror what the Go agent relies on: the definitions are first read the way kube-openapi's
 * `proto` package reads them (a definition is a Kind, Map, Array, Primitive, Reference or Arbitrary
 * value; field paths are `<definition>.<field>`), then each model is converted with kcp's crdpuller
 * rules (list types from patch strategies, well-known types replaced by fixed schemas, descriptions
 * inherited from the referencing property, recursion rejected).
 */
import type { JSONSchemaProps } from './types.js';
import { compareGoStrings } from '../../golang/json/marshal.js';

type Extensions = Record<string, unknown>;

interface Base {
  description: string;
  extensions: Extensions;
  path: string;
}

type Model =
  | (Base & { t: 'kind'; required: string[] | undefined; fields: Map<string, Model> })
  | (Base & { t: 'map'; sub: Model })
  | (Base & { t: 'array'; sub: Model })
  | (Base & { t: 'primitive'; type: string; format: string })
  | (Base & { t: 'arbitrary' })
  | (Base & { t: 'ref'; reference: string });

type RawSchema = Record<string, any>;

export interface OpenAPIV2Document {
  definitions?: Record<string, RawSchema>;
  [k: string]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Parsed models of an OpenAPI v2 document, indexed by definition name and by GVK. */
export class OpenAPIModels {
  private readonly parsed = new Map<string, Model>();
  private readonly byGVK = new Map<string, string>();

  private readonly doc: OpenAPIV2Document;

  constructor(doc: OpenAPIV2Document) {
    this.doc = doc;
    const names = Object.keys(doc.definitions ?? {}).sort(compareGoStrings);
    for (const name of names) {
      const def = doc.definitions![name]!;
      const gvks = def['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks)) continue;
      // Like kcp's GetModelsByGKV: string fields only, "core" means the core group, later names win.
      for (const gvk of gvks as Record<string, unknown>[]) {
        const { group, version, kind } = gvk ?? {};
        if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string' || !kind)
          continue;
        this.byGVK.set(gvkKey({ group: group === 'core' ? '' : group, version, kind }), name);
      }
    }
  }

  /** The definition name serving a GVK, if any. */
  definitionFor(gvk: GroupVersionKind): string | undefined {
    return this.byGVK.get(gvkKey(gvk));
  }

  model(name: string): Model {
    let m = this.parsed.get(name);
    if (!m) {
      const def = this.doc.definitions?.[name];
      if (!def) throw new Error(`unknown model in reference: "${name}"`);
      m = this.parse(def, name);
      this.parsed.set(name, m);
    }
    return m;
  }

  private parse(s: RawSchema, path: string): Model {
    const base: Base = {
      description: typeof s.description === 'string' ? s.description : '',
      extensions: vendorExtensions(s),
      path,
    };
    if (typeof s.$ref === 'string' && s.$ref !== '') {
      const prefix = '#/definitions/';
      if (!s.$ref.startsWith(prefix)) throw new Error(`SchemaError(${path}): unallowed reference ${s.$ref}`);
      const reference = s.$ref.slice(prefix.length);
      if (!this.doc.definitions?.[reference])
        throw new Error(`SchemaError(${path}): unknown model in reference: "${reference}"`);
      return { ...base, t: 'ref', reference };
    }
    const types: string[] = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : [];
    const hasProperties = s.properties !== undefined && s.properties !== null;
    if (types.length === 0) return hasProperties ? this.parseKind(s, base) : { ...base, t: 'arbitrary' };
    if (types.length > 1) return { ...base, t: 'arbitrary' };
    const t = types[0]!;
    if (t === 'object') {
      if (hasProperties) return this.parseKind(s, base);
      const additional = s.additionalProperties;
      const sub: Model =
        additional && typeof additional === 'object'
          ? this.parse(additional, path)
          : { ...base, t: 'arbitrary' };
      return { ...base, t: 'map', sub };
    }
    if (t === 'array') {
      const items = Array.isArray(s.items) ? s.items : s.items ? [s.items] : [];
      if (items.length !== 1) throw new Error(`SchemaError(${path}): array should have exactly one sub-item`);
      return { ...base, t: 'array', sub: this.parse(items[0], path) };
    }
    return { ...base, t: 'primitive', type: t, format: typeof s.format === 'string' ? s.format : '' };
  }

  private parseKind(s: RawSchema, base: Base): Model {
    const fields = new Map<string, Model>();
    for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, RawSchema>)) {
      fields.set(name, this.parse(sub, `${base.path}.${name}`));
    }
    const required =
      Array.isArray(s.required) && s.required.length > 0 ? (s.required as string[]) : undefined;
    return { ...base, t: 'kind', required, fields };
  }

  description(m: Model): string {
    return m.description;
  }

  /** The description of what a model points to (kube-openapi's SubSchema()/SubType). */
  target(m: Model & { t: 'ref' }): Model {
    return this.model(m.reference);
  }
}

function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

function vendorExtensions(s: RawSchema): Extensions {
  const out: Extensions = {};
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Well-known definitions replaced by fixed schemas (controller-tools' known types, as kcp uses them). */
const KNOWN_SCHEMAS: Record<string, () => JSONSchemaProps> = {
  'io.k8s.api.core.v1.Protocol': () => ({ type: 'string', default: 'TCP' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': () => ({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': () => ({ type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': () => ({ type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Duration': () => ({ type: 'string' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Fields': () => ({ type: 'object', additionalProperties: true }),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': () => ({
    pattern: QUANTITY_PATTERN,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  }),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': () => ({ type: 'object' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.unstructured.Unstructured': () => ({ type: 'object' }),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': () => ({
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  }),
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON': () => ({
    'x-kubernetes-preserve-unknown-fields': true,
  }),
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': () => ({
    'x-kubernetes-preserve-unknown-fields': true,
  }),
};

const KNOWN_DEFAULTS: Record<string, unknown> = {
  'io.k8s.api.core.v1.ContainerPort.protocol': 'TCP',
  'io.k8s.api.core.v1.ServicePort.protocol': 'TCP',
};

const JSON_SCHEMA_PROPS_REF = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';

class Converter {
  private readonly models: OpenAPIModels;
  private readonly schemaName: string;
  private readonly visited: Set<string>;
  private readonly errors: Error[];

  constructor(models: OpenAPIModels, schemaName: string, visited: Set<string>, errors: Error[]) {
    this.models = models;
    this.schemaName = schemaName;
    this.visited = visited;
    this.errors = errors;
  }

  convert(m: Model, out: JSONSchemaProps, inherited: string): void {
    switch (m.t) {
      case 'arbitrary':
        this.describe(m, out, inherited);
        out['x-kubernetes-embedded-resource'] = true;
        if ('x-kubernetes-preserve-unknown-fields' in m.extensions) {
          out['x-kubernetes-preserve-unknown-fields'] =
            m.extensions['x-kubernetes-preserve-unknown-fields'] === true;
        }
        return;
      case 'array':
        return this.convertArray(m, out, inherited);
      case 'map': {
        this.describe(m, out, inherited);
        const sub: JSONSchemaProps = {};
        this.convert(m.sub, sub, m.sub.description);
        out.additionalProperties = sub;
        out.type = 'object';
        return;
      }
      case 'primitive':
        this.describe(m, out, inherited);
        out.type = m.type;
        if (m.format !== '') out.format = m.format;
        if (m.path in KNOWN_DEFAULTS) out.default = KNOWN_DEFAULTS[m.path];
        return;
      case 'kind':
        return this.convertKind(m, out, inherited);
      case 'ref':
        return this.convertRef(m, out, inherited);
    }
  }

  private describe(m: Model, out: JSONSchemaProps, inherited: string): void {
    let sub = '';
    if (m.t === 'array' || m.t === 'map') sub = m.sub.description;
    else if (m.t === 'ref') sub = this.models.target(m).description;
    const d = inherited !== '' ? inherited : sub !== '' ? sub : m.description;
    if (d !== '') out.description = d;
    else delete out.description;
  }

  private convertArray(m: Model & { t: 'array' }, out: JSONSchemaProps, inherited: string): void {
    this.describe(m, out, inherited);
    out.type = 'array';
    const ext = m.extensions;
    if (Object.keys(ext).length > 0) {
      let elementIsKind = m.sub.t === 'kind';
      if (m.sub.t === 'ref') elementIsKind = this.models.target(m.sub).t === 'kind';
      const strategy = ext['x-kubernetes-patch-strategy'];
      if (ext['x-kubernetes-list-type'] !== undefined && ext['x-kubernetes-list-type'] !== null) {
        out['x-kubernetes-list-type'] = String(ext['x-kubernetes-list-type']);
      } else if (strategy !== undefined && strategy !== null && strategy !== '') {
        const s = String(strategy);
        const merge = s === 'merge' || s.startsWith('merge,') || s.endsWith(',merge');
        out['x-kubernetes-list-type'] = merge ? (elementIsKind ? 'map' : 'set') : 'atomic';
      }
      const mapKeys = ext['x-kubernetes-list-map-keys'];
      if (mapKeys !== undefined && mapKeys !== null) {
        out['x-kubernetes-list-map-keys'] = [
          ...(out['x-kubernetes-list-map-keys'] ?? []),
          ...(mapKeys as string[]),
        ];
      } else if (
        ext['x-kubernetes-patch-merge-key'] !== undefined &&
        ext['x-kubernetes-patch-merge-key'] !== null
      ) {
        out['x-kubernetes-list-map-keys'] = [String(ext['x-kubernetes-patch-merge-key'])];
        if (strategy === undefined || strategy === null) out['x-kubernetes-list-type'] = 'map';
      }
    }
    const item: JSONSchemaProps = {};
    this.convert(m.sub, item, m.sub.description);
    const keys = out['x-kubernetes-list-map-keys'] ?? [];
    if (item.properties && Object.keys(item.properties).length > 0 && keys.length > 0) {
      const required = new Set([...(item.required ?? []), ...keys]);
      for (const [name, field] of Object.entries(item.properties))
        if (field.default !== undefined) required.delete(name);
      const sorted = [...required].sort(compareGoStrings);
      if (sorted.length > 0) item.required = sorted;
      else delete item.required;
    }
    out.items = item;
  }

  private convertKind(m: Model & { t: 'kind' }, out: JSONSchemaProps, inherited: string): void {
    this.describe(m, out, inherited);
    if (m.required) out.required = [...m.required];
    else delete out.required;
    out.properties = {};
    out.type = 'object';
    for (const [name, field] of m.fields) {
      const props: JSONSchemaProps = {};
      if (field.path === `${this.schemaName}.metadata`) props.type = 'object';
      else this.convert(field, props, field.description);
      out.properties[name] = props;
    }
    for (const [name, value] of Object.entries(m.extensions)) {
      if (name === 'x-kubernetes-patch-merge-key') out['x-kubernetes-list-map-keys'] = [String(value)];
      else if (name === 'x-kubernetes-list-map-keys') out['x-kubernetes-list-map-keys'] = value as string[];
      else if (name === 'x-kubernetes-list-type') out['x-kubernetes-list-type'] = String(value);
    }
  }

  private convertRef(m: Model & { t: 'ref' }, out: JSONSchemaProps, inherited: string): void {
    if (m.reference === JSON_SCHEMA_PROPS_REF) return;
    if (this.visited.has(m.reference)) {
      this.errors.push(new Error(`recursive schema are not supported: ${m.reference}`));
      return;
    }
    const known = KNOWN_SCHEMAS[m.reference];
    if (known) {
      for (const k of Object.keys(out)) delete (out as Record<string, unknown>)[k];
      Object.assign(out, known());
      const d = inherited !== '' ? inherited : m.description;
      if (d !== '') out.description = d;
      return;
    }
    this.describe(m, out, inherited);
    this.visited.add(m.reference);
    // The referenced model is visited with this converter's own inherited description.
    this.convert(this.models.target(m), out, inherited);
    this.visited.delete(m.reference);
  }
}

/**
 * Converts the model of a definition to a JSONSchemaProps; errors (recursive schemas) are collected
 * and returned like crdpuller does, the caller decides.
 */
export function convertModel(
  models: OpenAPIModels,
  definition: string,
): { schema: JSONSchemaProps; errors: Error[] } {
  const errors: Error[] = [];
  const schema: JSONSchemaProps = {};
  new Converter(models, definition, new Set(), errors).convert(models.model(definition), schema, '');
  return { schema, errors };
}
