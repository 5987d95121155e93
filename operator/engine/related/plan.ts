/**
 * Related-object name planning (docs/compatibility.md#resolving-related-objects), pure. The caller does the
 * I/O in two steps:
 *  1. ask what to list: `namespaceSelector(sides)` (LIST Namespaces on the origin side) and
 *     `objectSelector(sides)` (LIST origin objects in each origin namespace), both with templated
 *     matchLabels rendered for THIS primary (the PublishedResource is never modified);
 *  2. hand the listings to `plan(sides, listed)`, which returns the (origin ns/name -> destination
 *     ns/name) candidates sorted by origin `namespace/name`. The caller GETs each origin object and
 *     skips NotFound ones (keeping the order, which the related annotation's index relies on).
 *
 * Templates and regexes are compiled once. Like the Go agent (which compiles them on use), a broken
 * template or pattern only fails when that mechanism is evaluated, with the Go agent's message;
 * `compileErrors` lists them up front so they can be reported on the PublishedResource.
 */
import type {
  LabelSelector,
  RegularExpression,
  RelatedResourceObjectSpec,
  RelatedResourceSpec,
  TemplateExpression,
} from '../../apis/v1alpha1/types.js';
import { fromJs, getPath, Result } from '../../golang/gjson/index.js';
import { GoRegexp } from '../../golang/regexp/index.js';
import { compileTemplate, goTrimSpace, GoStruct, jsonToGoValue } from '../../golang/template/index.js';
import { goQuote } from '../../golang/json/marshal.js';

type Obj = Record<string, unknown>;

export interface RelatedSides {
  /** `related[].origin`. */
  origin: 'kcp' | 'service';
  /** The primary in kcp. */
  remote: Obj;
  /** The primary's copy on the service cluster. */
  local: Obj;
  /** kcp workspace of the sync (same for both sides). */
  clusterName: string;
  clusterPath: string;
}

export interface Listed {
  /** Names of the Namespaces listed on the origin side with `namespaceSelector` (if any). */
  namespaces?: readonly string[];
  /** Origin objects listed with `objectSelector`, per origin namespace (if any). */
  objectsByNamespace?: ReadonlyMap<string, readonly Obj[]>;
}

export interface PlannedObject {
  originNamespace: string;
  originName: string;
  destNamespace: string;
  destName: string;
}

/** A planning failure; `message` is the Go agent's text. */
export class RelatedError extends Error {
  override name = 'RelatedError';
}

export interface CompiledRelated {
  readonly compileErrors: readonly { fieldPath: string; message: string }[];
  namespaceSelector(sides: RelatedSides): LabelSelector | undefined;
  objectSelector(sides: RelatedSides): LabelSelector | undefined;
  /** Origin namespace -> destination namespace; empty = nothing to do. */
  resolveNamespaces(sides: RelatedSides, listedNamespaces?: readonly string[]): Map<string, string>;
  plan(sides: RelatedSides, listed?: Listed): PlannedObject[];
}

// ---------------------------------------------------------------------------------------------------

type Render = (data: GoStruct) => string;
type Rewrite = (value: string) => string;

interface Compiler {
  errors: { fieldPath: string; message: string }[];
  templates: Map<string, Render>;
}

function templateRenderer(c: Compiler, text: string, fieldPath: string): Render {
  const cached = c.templates.get(text);
  if (cached) return cached;
  let r: Render;
  try {
    const tpl = compileTemplate(text, { name: 'inline' });
    r = (data) => {
      try {
        return goTrimSpace(tpl.execute(data));
      } catch (e) {
        throw new RelatedError(`failed to evaluate: ${(e as Error).message}`);
      }
    };
  } catch (e) {
    const message = `failed to parse: ${(e as Error).message}`;
    c.errors.push({ fieldPath, message });
    r = () => {
      throw new RelatedError(message);
    };
  }
  c.templates.set(text, r);
  return r;
}

function regexRewrite(c: Compiler, re: RegularExpression, fieldPath: string): Rewrite {
  const pattern = re.pattern ?? '';
  const replacement = re.replacement ?? '';
  if (pattern === '') return () => replacement;
  try {
    const compiled = GoRegexp.compile(pattern);
    return (v) => compiled.replaceAllString(v, replacement);
  } catch (e) {
    const message = `invalid pattern ${goQuote(pattern)}: ${(e as Error).message}`;
    c.errors.push({ fieldPath: `${fieldPath}.pattern`, message });
    return () => {
      throw new RelatedError(message);
    };
  }
}

/** kcp primary / service primary seen from the origin and destination side. */
function originAndDest(s: RelatedSides): [Obj, Obj] {
  return s.origin === 'kcp' ? [s.remote, s.local] : [s.local, s.remote];
}

function opposite(side: 'kcp' | 'service'): 'kcp' | 'service' {
  return side === 'kcp' ? 'service' : 'kcp';
}

function namespaceOf(o: Obj): string {
  const m = o.metadata as Obj | undefined;
  return typeof m?.namespace === 'string' ? m.namespace : '';
}

function nameOf(o: Obj): string {
  const m = o.metadata as Obj | undefined;
  return typeof m?.name === 'string' ? m.name : '';
}

/** Template data of `object.template` / `namespace.template` (Go: templating.relatedObjectContext). */
export function relatedObjectContext(
  object: Obj,
  side: 'kcp' | 'service',
  clusterName: string,
  clusterPath: string,
): GoStruct {
  return new GoStruct(
    { Side: side, Object: jsonToGoValue(object), ClusterName: clusterName, ClusterPath: clusterPath },
    'templating.relatedObjectContext',
  );
}

/** Template data of selector matchLabels (Go: templating.relatedObjectLabelContext). */
export function relatedObjectLabelContext(
  local: Obj,
  remote: Obj,
  clusterName: string,
  clusterPath: string,
): GoStruct {
  return new GoStruct(
    {
      LocalObject: jsonToGoValue(local),
      RemoteObject: jsonToGoValue(remote),
      ClusterName: clusterName,
      ClusterPath: clusterPath,
    },
    'templating.relatedObjectLabelContext',
  );
}

/** Template data of selector rewrites (Go: templating.relatedObjectLabelRewriteContext). */
export function relatedObjectLabelRewriteContext(
  value: string,
  local: Obj,
  remote: Obj,
  related: Obj | null,
  clusterName: string,
  clusterPath: string,
): GoStruct {
  return new GoStruct(
    {
      Value: value,
      RelatedObject: related === null ? null : jsonToGoValue(related),
      LocalObject: jsonToGoValue(local),
      RemoteObject: jsonToGoValue(remote),
      ClusterName: clusterName,
      ClusterPath: clusterPath,
    },
    'templating.relatedObjectLabelRewriteContext',
  );
}

/** One mechanism (reference, selector or template) for namespaces or names. */
interface Mechanism {
  kind: 'reference' | 'selector' | 'template';
  selector?: (s: RelatedSides) => LabelSelector;
  /** reference/template: the values on origin and destination side. */
  bothSides?: (s: RelatedSides) => [string[], string[]];
  /** selector: destination value of a listed origin value. */
  rewrite?: (s: RelatedSides, value: string, relatedObject: Obj | null) => string;
}

function compileMechanism(
  c: Compiler,
  spec: RelatedResourceObjectSpec,
  fieldPath: string,
): Mechanism | undefined {
  if (spec.reference) {
    const ref = spec.reference;
    const re = ref.regex ? regexRewrite(c, ref.regex, `${fieldPath}.reference.regex`) : undefined;
    const resolve = (o: Obj): string[] => resolveReference(o, ref.path, re);
    return {
      kind: 'reference',
      bothSides: (s) => {
        const [o, d] = originAndDest(s);
        const ov = resolve(o);
        return [ov, ov.length === 0 ? [] : resolve(d)];
      },
    };
  }
  if (spec.selector) {
    const sel = spec.selector;
    const labelTemplates = new Map<string, Render>();
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
      if (k.includes('{{'))
        labelTemplates.set(k, templateRenderer(c, k, `${fieldPath}.selector.matchLabels`));
      if (v.includes('{{'))
        labelTemplates.set(v, templateRenderer(c, v, `${fieldPath}.selector.matchLabels`));
    }
    const rw = sel.rewrite ?? {};
    let rewrite: Mechanism['rewrite'];
    if (rw.regex) {
      const r = regexRewrite(c, rw.regex, `${fieldPath}.selector.rewrite.regex`);
      rewrite = (_s, v) => r(v);
    } else if (rw.template) {
      const t = templateRenderer(
        c,
        (rw.template as TemplateExpression).template ?? '',
        `${fieldPath}.selector.rewrite.template.template`,
      );
      rewrite = (s, v, related) =>
        t(relatedObjectLabelRewriteContext(v, s.local, s.remote, related, s.clusterName, s.clusterPath));
    } else {
      rewrite = () => {
        throw new RelatedError('invalid rewrite: no mechanism configured');
      };
    }
    return {
      kind: 'selector',
      selector: (s) => {
        const data = relatedObjectLabelContext(s.local, s.remote, s.clusterName, s.clusterPath);
        const matchLabels: Record<string, string> = {};
        for (let [k, v] of Object.entries(sel.matchLabels ?? {})) {
          if (k.includes('{{')) {
            try {
              k = labelTemplates.get(k)!(data);
            } catch (e) {
              throw new RelatedError(
                `failed to apply templates to label selector: failed to evaluate key as template: ${(e as Error).message}`,
              );
            }
          }
          if (v.includes('{{')) {
            try {
              v = labelTemplates.get(v)!(data);
            } catch (e) {
              throw new RelatedError(
                `failed to apply templates to label selector: failed to evaluate value as template: ${(e as Error).message}`,
              );
            }
          }
          if (k !== '') matchLabels[k] = v;
        }
        const out: LabelSelector = { matchLabels };
        if (sel.matchExpressions)
          out.matchExpressions = sel.matchExpressions.map((e) => ({
            ...e,
            ...(e.values ? { values: [...e.values] } : {}),
          }));
        return out;
      },
      rewrite,
    };
  }
  if (spec.template) {
    const t = templateRenderer(c, spec.template.template ?? '', `${fieldPath}.template.template`);
    const ctx = (o: Obj, side: 'kcp' | 'service', s: RelatedSides) =>
      relatedObjectContext(o, side, s.clusterName, s.clusterPath);
    return {
      kind: 'template',
      bothSides: (s) => {
        const [o, d] = originAndDest(s);
        let ov: string;
        let dv: string;
        try {
          ov = t(ctx(o, s.origin, s));
        } catch (e) {
          throw new RelatedError(
            `failed to apply template: failed to evaluate template on origin side: ${(e as Error).message}`,
          );
        }
        try {
          dv = t(ctx(d, opposite(s.origin), s));
        } catch (e) {
          throw new RelatedError(
            `failed to apply template: failed to evaluate template on destination side: ${(e as Error).message}`,
          );
        }
        return [[ov], [dv]];
      },
    };
  }
  return undefined;
}

/**
 * The values a reference path yields on an object (Go-JSON encoded first): nothing when missing, each
 * element's gjson String() for arrays, else the String(); white space trimmed; then the optional regex.
 */
export function resolveReference(o: Obj, path: string, rewrite?: (v: string) => string): string[] {
  const r = getPath(fromJs(o), path);
  if (!r.exists()) return [];
  const node = r.node!;
  const values =
    node.t === 'arr'
      ? node.items.map((it) => goTrimSpace(new Result(it).string()))
      : [goTrimSpace(r.string())];
  return rewrite ? values.map(rewrite) : values;
}

/** Pairs origin and destination values by index; pairs with an empty side are dropped. */
function mapSlices(a: string[], b: string[]): Map<string, string> {
  const m = new Map<string, string>();
  a.forEach((x, i) => {
    const y = b[i] ?? '';
    if (x !== '' && y !== '') m.set(x, y);
  });
  return m;
}

function compareGo(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Compiles `spec.related[i]`'s object rules; `fieldPath` is e.g. `spec.related[0].object`. */
export function compileRelated(
  spec: Pick<RelatedResourceSpec, 'object'>,
  fieldPath = 'spec.related[0].object',
): CompiledRelated {
  const c: Compiler = { errors: [], templates: new Map() };
  const nsSpec = spec.object.namespace;
  const nsMech = nsSpec ? compileMechanism(c, nsSpec, `${fieldPath}.namespace`) : undefined;
  const objMech = compileMechanism(c, spec.object, fieldPath);

  const resolveNamespacesInner = (s: RelatedSides, listed?: readonly string[]): Map<string, string> => {
    const [o, d] = originAndDest(s);
    if (!nsSpec) {
      const on = namespaceOf(o);
      const dn = namespaceOf(d);
      if (on === '')
        throw new RelatedError(
          'primary object is cluster-scoped and no source namespace configuration was provided',
        );
      if (dn === '')
        throw new RelatedError(
          'primary object copy is cluster-scoped and no source namespace configuration was provided',
        );
      return new Map([[on, dn]]);
    }
    if (!nsMech)
      throw new RelatedError('failed to resolve namespace: invalid sourceSpec: no mechanism configured');
    try {
      if (nsMech.kind === 'reference') {
        const [ov, dv] = nsMech.bothSides!(s);
        if (ov.length === 0) return new Map();
        if (ov.length !== dv.length)
          throw new RelatedError(
            `cannot sync related resources: found ${ov.length} namespaces on the origin, but ${dv.length} on the destination side`,
          );
        return mapSlices(ov, dv);
      }
      if (nsMech.kind === 'template') {
        const [[ov], [dv]] = nsMech.bothSides!(s);
        return ov && dv ? new Map([[ov, dv]]) : new Map();
      }
      const m = new Map<string, string>();
      for (const ns of listed ?? []) {
        try {
          m.set(ns, nsMech.rewrite!(s, ns, null));
        } catch (e) {
          throw new RelatedError(`failed to rewrite origin namespace: ${(e as Error).message}`);
        }
      }
      return m;
    } catch (e) {
      if (e instanceof RelatedError) throw new RelatedError(`failed to resolve namespace: ${e.message}`);
      throw e;
    }
  };

  const namesIn = (s: RelatedSides, listedObjects: readonly Obj[] | undefined): Map<string, string> => {
    if (!objMech) throw new RelatedError('invalid objectSpec: no mechanism configured');
    if (objMech.kind === 'reference') {
      const [ov, dv] = objMech.bothSides!(s);
      if (ov.length === 0) return new Map();
      if (ov.length !== dv.length)
        throw new RelatedError(
          `cannot sync related resources: found ${ov.length} names on the origin, but ${dv.length} on the destination side`,
        );
      return mapSlices(ov, dv);
    }
    if (objMech.kind === 'template') {
      const [[ov], [dv]] = objMech.bothSides!(s);
      return ov && dv ? new Map([[ov, dv]]) : new Map();
    }
    const m = new Map<string, string>();
    for (const obj of listedObjects ?? []) {
      const name = nameOf(obj);
      try {
        m.set(name, objMech.rewrite!(s, name, obj));
      } catch (e) {
        throw new RelatedError(`failed to rewrite origin name: ${(e as Error).message}`);
      }
    }
    return m;
  };

  return {
    compileErrors: c.errors,
    namespaceSelector: (s) =>
      nsMech?.kind === 'selector' ? wrapSelector(() => nsMech.selector!(s), 'namespace') : undefined,
    objectSelector: (s) =>
      objMech?.kind === 'selector' ? wrapSelector(() => objMech.selector!(s), 'objects') : undefined,
    resolveNamespaces: resolveNamespacesInner,
    plan(s, listed = {}) {
      const nsMap = resolveNamespacesInner(s, listed.namespaces);
      if (nsMap.size === 0) return [];
      const out: PlannedObject[] = [];
      for (const [originNamespace, destNamespace] of nsMap) {
        let names: Map<string, string>;
        try {
          names = namesIn(s, listed.objectsByNamespace?.get(originNamespace));
        } catch (e) {
          if (e instanceof RelatedError)
            throw new RelatedError(
              `failed to resolve objects: failed to find objects on origin side: ${e.message}`,
            );
          throw e;
        }
        for (const [originName, destName] of names)
          out.push({ originNamespace, originName, destNamespace, destName });
      }
      return out.sort((a, b) =>
        compareGo(`${a.originNamespace}/${a.originName}`, `${b.originNamespace}/${b.originName}`),
      );
    },
  };
}

function wrapSelector(f: () => LabelSelector, what: 'namespace' | 'objects'): LabelSelector {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof RelatedError)) throw e;
    throw new RelatedError(
      what === 'namespace'
        ? `failed to resolve namespace: ${e.message}`
        : `failed to resolve objects: failed to find objects on origin side: ${e.message}`,
    );
  }
}
