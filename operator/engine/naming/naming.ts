/**
 * Local object naming (docs/compatibility.md#naming): `spec.naming.name` / `.namespace` as Go templates
 * (context `Object`, `ClusterName`, `ClusterPath`; rendered with TrimSpace) when they contain `{{`,
 * otherwise as legacy `$variable` patterns. Empty fields use the default templates. Compiled once.
 *
 * Cluster-scoped remote objects: the Go agent's default name template pipes the missing
 * `.Object.metadata.namespace` into sha3short and fails ("invalid value; expected string"). Here a
 * missing namespace counts as "" for the DEFAULT name only, giving
 * `sha3short("")-sha3short(name)` = `a7ffc6f8bf1ed76651c1-<20 hex>`: the same shape as for namespaced
 * objects, and the same convention the legacy `$remoteNamespaceHash` already uses (hash of ""). An
 * explicit template keeps Go's behaviour, errors included.
 */
import {
  compileTemplate,
  goTrimSpace,
  GoStruct,
  jsonToGoValue,
  sha3short,
  TemplateError,
} from '../../golang/template/index.js';
import { renderLegacyPattern } from './legacy.js';

export const DEFAULT_NAMESPACE_TEMPLATE = '{{ .ClusterName }}';
export const DEFAULT_NAME_TEMPLATE =
  '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }}';

export interface ResourceNaming {
  name?: string | null;
  namespace?: string | null;
}

export interface NamingContext {
  /** The remote (kcp) object. */
  object: Record<string, unknown>;
  clusterName: string;
  /** "" unless enableWorkspacePaths. */
  clusterPath: string;
}

/** A naming template failed; `field` is `name` or `namespace`, `message` is the Go agent's text. */
export class NamingError extends Error {
  override name = 'NamingError';
  readonly field: 'name' | 'namespace';
  readonly position: { line?: number; col?: number } | undefined;
  constructor(field: 'name' | 'namespace', message: string, position?: { line?: number; col?: number }) {
    super(message);
    this.field = field;
    this.position = position;
  }
}

/**
 * A naming template rendered a local name or namespace the service cluster cannot accept. It is a
 * configuration error of the PublishedResource (`spec.naming.<field>`) that only shows for some
 * objects; `value` is the rendered text.
 */
export class InvalidLocalNameError extends NamingError {
  override name = 'InvalidLocalNameError';
  readonly value: string;
  /** Why the value is invalid (without the field). */
  readonly problem: string;
  constructor(field: 'name' | 'namespace', value: string, problem: string) {
    super(field, `spec.naming.${field} rendered an invalid local ${field}: ${problem}`);
    this.value = value;
    this.problem = problem;
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why a rendered local name (a DNS-1123 subdomain, at most 253 characters) or namespace (a DNS-1123
 * label, at most 63) is not valid, or undefined when it is. Go templates print a missing field as
 * `<no value>`, which gets its own explanation.
 */
export function validateLocalName(field: 'name' | 'namespace', value: string): string | undefined {
  if (value === '') return `the ${field} is empty`;
  if (value.includes('<no value>'))
    return 'the template printed "<no value>": a field it reads is missing in the object';
  const max = field === 'name' ? 253 : 63;
  if (value.length > max)
    return `the ${field} is ${value.length} characters long, at most ${max} are allowed`;
  const re = field === 'name' ? DNS1123_SUBDOMAIN : DNS1123_LABEL;
  if (!re.test(value))
    return field === 'name'
      ? "the name must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
      : "the namespace must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/**
 * The Warning event on the kcp object whose local name or namespace cannot be rendered validly: same
 * reason as other processing failures, but naming the PublishedResource field to fix.
 */
export function configProblemEvent(p: { field: string; value: string; message: string }): {
  type: 'Warning';
  reason: string;
  message: string;
} {
  const shown = p.value.length > 120 ? `${p.value.slice(0, 120)}... (${p.value.length} characters)` : p.value;
  return {
    type: 'Warning',
    reason: 'ReconcilingError',
    message: `Failed to process object: the service provider's ${p.field} gives ${JSON.stringify(shown)} for this object, which is ${p.message}; the provider must fix the PublishedResource.`,
  };
}

/** The configuration problem an error names (field, value, message), if it is one. */
export function configProblemOf(err: unknown): { field: string; value: string; message: string } | undefined {
  if (err instanceof InvalidLocalNameError)
    return {
      field: `spec.naming.${err.field}`,
      value: err.value,
      message: `not a valid local ${err.field}: ${err.problem}`,
    };
  return undefined;
}

export interface CompiledNaming {
  name(ctx: NamingContext): string;
  namespace(ctx: NamingContext): string;
}

type Renderer = (ctx: NamingContext) => string;

function meta(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const m = obj.metadata;
  return m !== null && typeof m === 'object' && !Array.isArray(m)
    ? (m as Record<string, unknown>)
    : undefined;
}

function stringField(m: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = m?.[key];
  return typeof v === 'string' ? v : undefined;
}

function position(e: unknown): { line?: number; col?: number } | undefined {
  if (!(e instanceof TemplateError)) return undefined;
  const p: { line?: number; col?: number } = {};
  if (e.line !== undefined) p.line = e.line;
  if (e.col !== undefined) p.col = e.col;
  return p;
}

function compileOne(field: 'name' | 'namespace', pattern: string): Renderer {
  const label = `invalid ${field} naming`;
  if (!pattern.includes('{{')) {
    return (ctx) =>
      renderLegacyPattern(pattern, {
        clusterName: ctx.clusterName,
        namespace: stringField(meta(ctx.object), 'namespace') ?? '',
        name: stringField(meta(ctx.object), 'name') ?? '',
      });
  }
  let tpl: ReturnType<typeof compileTemplate>;
  try {
    tpl = compileTemplate(pattern, { name: 'inline' });
  } catch (e) {
    throw new NamingError(field, `${label}: failed to parse: ${(e as Error).message}`, position(e));
  }
  const generic: Renderer = (ctx) => {
    const data = new GoStruct(
      { Object: jsonToGoValue(ctx.object), ClusterName: ctx.clusterName, ClusterPath: ctx.clusterPath },
      'templating.localObjectNamingContext',
    );
    try {
      return goTrimSpace(tpl.execute(data));
    } catch (e) {
      throw new NamingError(field, `${label}: failed to evaluate: ${(e as Error).message}`, position(e));
    }
  };
  // Fast paths for the default templates (identical results; the template engine stays the fallback).
  if (pattern === DEFAULT_NAMESPACE_TEMPLATE) return (ctx) => goTrimSpace(ctx.clusterName);
  if (pattern === DEFAULT_NAME_TEMPLATE) {
    return (ctx) => {
      const m = meta(ctx.object);
      const name = stringField(m, 'name');
      const hasNs = m !== undefined && Object.prototype.hasOwnProperty.call(m, 'namespace');
      const ns = hasNs ? stringField(m, 'namespace') : ''; // cluster-scoped: the namespace part hashes ""
      if (name === undefined || ns === undefined) return generic(ctx);
      return `${sha3short(ns)}-${sha3short(name)}`;
    };
  }
  return generic;
}

export interface NamingOptions {
  /**
   * Validate what is rendered (InvalidLocalNameError instead of a name the API server rejects):
   * the name always, the namespace only when the local type is namespaced (else it is not used).
   */
  validate?: { namespaced: boolean };
}

function validated(field: 'name' | 'namespace', render: Renderer): Renderer {
  return (ctx) => {
    const value = render(ctx);
    const problem = validateLocalName(field, value);
    if (problem) throw new InvalidLocalNameError(field, value, problem);
    return value;
  };
}

/** Compiles `spec.naming`; throws NamingError on template syntax errors. */
export function compileNaming(
  naming: ResourceNaming | null | undefined,
  options: NamingOptions = {},
): CompiledNaming {
  let name = compileOne('name', naming?.name || DEFAULT_NAME_TEMPLATE);
  let namespace = compileOne('namespace', naming?.namespace || DEFAULT_NAMESPACE_TEMPLATE);
  if (options.validate) {
    name = validated('name', name);
    if (options.validate.namespaced) namespace = validated('namespace', namespace);
  }
  return { name, namespace };
}
