/**
 * Checks of a PublishedResource that its CRD schema cannot express, each naming the field path and
 * the offending value. Some the Go agent accepts and misbehaves on later (silently shared mutators,
 * ambiguous mutation steps, a runtime error for `version` + `versions`); the rest it only trips over
 * per object (templates, regexes and CEL that do not compile, label selectors it cannot parse, gjson
 * paths that can never match, constant names that are never valid). Reporting them on load means
 * nothing is accepted silently (docs/security.md). The CRD's own CEL rules are not
 * repeated here: the API server enforces them.
 */
import { selectorFromSpec, validateLabelKey, validateLabelValue } from '../../runtime/labels/selector.js';
import { compileStep, StepError } from '../../engine/mutation/steps.js';
import { compileNaming, NamingError, validateLocalName } from '../../engine/naming/index.js';
import { compileRelated } from '../../engine/related/plan.js';
import { validateEventMirror } from '../../engine/events/spec.js';
import { keyProblem } from '../../engine/namespace-metadata/keys.js';
import type {
  AllowedNamespaces,
  LabelSelector,
  MetadataKeyRef,
  NamespaceMetadataSpec,
  OnboardingSpec,
  PublishedResource,
  RelatedResourceObjectSpec,
  ResourceMutation,
} from './types.js';

export interface FieldError {
  /** Field path in kubectl style, e.g. `spec.related[2].identifier`. */
  field: string;
  message: string;
  /** The offending value as written in the PublishedResource (absent when the field is missing). */
  value?: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const MUTATION_KINDS = ['delete', 'regex', 'template', 'cel'] as const;
const OBJECT_MECHANISMS = ['reference', 'selector', 'template'] as const;

function checkMutations(path: string, steps: ResourceMutation[] | undefined, errs: FieldError[]): void {
  (steps ?? []).forEach((step, i) => {
    const set = MUTATION_KINDS.filter((k) => step?.[k] !== undefined && step?.[k] !== null);
    if (set.length !== 1) {
      errs.push({
        field: `${path}[${i}]`,
        value: set.join(', '),
        message:
          set.length === 0
            ? 'exactly one of delete, regex, template or cel must be set, found none'
            : `exactly one of delete, regex, template or cel must be set, found ${set.join(', ')}`,
      });
    }
    if (set.length === 0) return;
    // Regexes, templates and CEL expressions compile here, so a broken step is reported on load.
    try {
      compileStep(step);
    } catch (e) {
      if (!(e instanceof StepError)) throw e;
      const field = `${path}[${i}]${e.field ? `.${e.field}` : ''}`;
      errs.push(withValue(step, `${path}[${i}]`, field, e.message));
    }
  });
}

/** A finding whose value is read from `root` (found at `rootPath`) along the rest of `field`. */
function withValue(root: unknown, rootPath: string, field: string, message: string): FieldError {
  const value = valueAt(root, field.slice(rootPath.length));
  return value === undefined ? { field, message } : { field, message, value };
}

/** The value at a relative kubectl-style path (`.a.b[2].c`), as a string (JSON for non-strings). */
export function valueAt(root: unknown, path: string): string | undefined {
  let cur: unknown = root;
  const rel = path.startsWith('.') || path.startsWith('[') || path === '' ? path : `.${path}`;
  for (const m of rel.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? (cur as Record<string, unknown>)[m[1]] : (cur as unknown[])[Number(m[2])];
  }
  if (cur === undefined) return undefined;
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * A label selector as `metav1.LabelSelectorAsSelector` would parse it: known operators, values only
 * with In/NotIn (and at least one), valid keys and values. `templated` selectors (related objects)
 * render `{{ }}` keys and values per primary, so those are checked when rendered, not here.
 */
function checkSelector(
  path: string,
  sel: LabelSelector | undefined | null,
  errs: FieldError[],
  templated = false,
): void {
  if (!sel) return;
  const skip = (s: string) => templated && s.includes('{{');
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!skip(k)) {
      for (const m of validateLabelKey(k))
        errs.push({ field: `${path}.matchLabels`, value: k, message: `invalid label key: ${m}` });
    }
    if (!skip(v)) {
      for (const m of validateLabelValue(v))
        errs.push({ field: `${path}.matchLabels[${k}]`, value: v, message: `invalid label value: ${m}` });
    }
  }
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    for (const m of validateLabelKey(e.key ?? ''))
      errs.push({ field: `${p}.key`, value: e.key ?? '', message: `invalid label key: ${m}` });
    if (!OPERATORS.includes(e.operator)) {
      errs.push({
        field: `${p}.operator`,
        value: String(e.operator),
        message: `not a valid label selector operator (one of ${OPERATORS.join(', ')})`,
      });
      return;
    }
    const values = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0)
      errs.push({
        field: `${p}.values`,
        value: '[]',
        message: `must not be empty for operator ${e.operator}`,
      });
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0)
      errs.push({
        field: `${p}.values`,
        value: JSON.stringify(values),
        message: `must be empty for operator ${e.operator}`,
      });
    values.forEach((v, j) => {
      for (const m of validateLabelValue(v))
        errs.push({ field: `${p}.values[${j}]`, value: v, message: `invalid label value: ${m}` });
    });
  });
}

/**
 * Syntax of a gjson path as used by `reference.path`: gjson itself never fails, it just finds nothing,
 * so a typo would silently sync nothing. Rejected: empty paths and components (`a..b`, `.a`, `a.`),
 * unbalanced brackets, braces, parentheses or quotes, and a trailing escape.
 */
export function referencePathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'must not be empty';
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quoted = false;
  let component = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '\\') {
      if (i === path.length - 1) return 'ends with an escape character';
      component += ch + path[i + 1];
      i++;
      continue;
    }
    if (quoted) {
      if (ch === '"') quoted = false;
      component += ch;
      continue;
    }
    if (ch === '"' && stack.length > 0) quoted = true;
    else if (closing[ch]) stack.push(closing[ch]);
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== ch) return `unbalanced ${JSON.stringify(ch)} at position ${i + 1}`;
    } else if ((ch === '.' || ch === '|') && stack.length === 0) {
      if (component === '') return `empty path component before position ${i + 1}`;
      component = '';
      continue;
    }
    component += ch;
  }
  if (quoted) return 'unterminated string';
  if (stack.length > 0) return `missing ${JSON.stringify(stack[stack.length - 1])}`;
  if (component === '') return 'ends with an empty path component';
  return undefined;
}

function checkReference(path: string, spec: RelatedResourceObjectSpec | undefined, errs: FieldError[]): void {
  const ref = spec?.reference;
  if (!ref) return;
  const problem = referencePathProblem(ref.path ?? '');
  if (problem) errs.push({ field: `${path}.reference.path`, value: ref.path ?? '', message: problem });
}

/** `spec.naming`: template syntax, and constant names that can never be valid Kubernetes names. */
function checkNaming(pr: PublishedResource, errs: FieldError[]): void {
  const naming = pr.spec.naming;
  for (const field of ['name', 'namespace'] as const) {
    const value = naming?.[field];
    if (!value) continue;
    try {
      compileNaming({ [field]: value });
    } catch (e) {
      if (!(e instanceof NamingError)) throw e;
      errs.push({ field: `spec.naming.${field}`, value, message: e.message });
      continue;
    }
    // Neither a template nor a legacy $placeholder: every object would get exactly this name.
    if (!value.includes('{{') && !value.includes('$')) {
      const problem = validateLocalName(field, value);
      if (problem) errs.push({ field: `spec.naming.${field}`, value, message: problem });
    }
  }
}

function checkObjectSpec(
  path: string,
  spec: RelatedResourceObjectSpec | undefined,
  errs: FieldError[],
): void {
  const set = OBJECT_MECHANISMS.filter((k) => spec?.[k] !== undefined && spec?.[k] !== null);
  if (set.length !== 1) {
    errs.push({
      field: path,
      value: set.join(', '),
      message:
        set.length === 0
          ? 'exactly one of reference, selector or template must be set, found none'
          : `exactly one of reference, selector or template must be set, found ${set.join(', ')}`,
    });
  }
}

/** `spec.related[].allowedNamespaces`: namespace names and a parsable label selector. */
function checkAllowedNamespaces(
  path: string,
  allowed: AllowedNamespaces | undefined,
  errs: FieldError[],
): void {
  (allowed?.names ?? []).forEach((n, i) => {
    if (!DNS1123_LABEL.test(n) || n.length > 63)
      errs.push({ field: `${path}.names[${i}]`, message: `${JSON.stringify(n)} is not a namespace name` });
  });
  if (allowed?.selector) {
    try {
      selectorFromSpec(allowed.selector);
    } catch (e) {
      errs.push({ field: `${path}.selector`, message: (e as Error).message });
    }
  }
}

const SCHEMA_UPDATE_POLICIES: readonly string[] = ['Always', 'CompatibleOnly', 'Never'];

/** `spec.schemaUpdatePolicy` is one of its names when set (the CRD's enum, checked again here). */
function checkSchemaUpdatePolicy(policy: unknown, errs: FieldError[]): void {
  if (policy === undefined || policy === null) return;
  if (typeof policy === 'string' && SCHEMA_UPDATE_POLICIES.includes(policy)) return;
  errs.push({
    field: 'spec.schemaUpdatePolicy',
    value: String(policy),
    message: `must be one of ${SCHEMA_UPDATE_POLICIES.join(', ')}`,
  });
}

/** Every problem found, in field order; empty when the object is usable. */
/** Every listed key must be an exact qualified name outside the reserved domains. */
function checkNamespaceMetadata(spec: NamespaceMetadataSpec | undefined, errs: FieldError[]): void {
  for (const kind of ['labels', 'annotations'] as const) {
    const seen = new Set<string>();
    (spec?.[kind] ?? []).forEach((key, i) => {
      const field = `spec.namespaceMetadata.${kind}[${i}]`;
      const problem = typeof key === 'string' ? keyProblem(key) : 'must be a string';
      if (problem) errs.push({ field, value: String(key), message: problem });
      else if (seen.has(key)) errs.push({ field, value: key, message: 'duplicate key' });
      seen.add(key);
    });
  }
}

export function validatePublishedResource(pr: PublishedResource): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pr.spec;
  if (!spec?.resource) return [{ field: 'spec.resource', message: 'must be set' }];

  if (spec.resource.version && (spec.resource.versions ?? []).length > 0) {
    errs.push({
      field: 'spec.resource.versions',
      value: JSON.stringify(spec.resource.versions),
      message: 'cannot be used together with spec.resource.version',
    });
  }
  const projection = spec.projection;
  if (projection?.version && Object.keys(projection.versions ?? {}).length > 0) {
    errs.push({
      field: 'spec.projection.versions',
      value: JSON.stringify(projection.versions),
      message: 'cannot be used together with spec.projection.version',
    });
  }
  // The Go agent only fails later, when kcp's conversion rejects `irrelevant.<plural>.<group>`.
  if (projection?.group && (!DNS1123_SUBDOMAIN.test(projection.group) || projection.group.length > 253)) {
    errs.push({
      field: 'spec.projection.group',
      value: projection.group,
      message: 'must be a lowercase RFC 1123 subdomain (e.g. example.com)',
    });
  }
  const plural = projection?.plural || (projection?.kind ? `${projection.kind.toLowerCase()}s` : undefined);
  if (plural && (!DNS1123_LABEL.test(plural) || plural.length > 63)) {
    errs.push({
      field: projection?.plural ? 'spec.projection.plural' : 'spec.projection.kind',
      value: projection?.plural ?? projection?.kind ?? '',
      message: `the plural name ${JSON.stringify(plural)} must be a lowercase RFC 1123 label`,
    });
  }
  if (projection?.versions) {
    const seen = new Map<string, string>();
    for (const [from, to] of Object.entries(projection.versions)) {
      if (!to) continue;
      const other = seen.get(to);
      if (other !== undefined) {
        errs.push({
          field: `spec.projection.versions[${from}]`,
          value: to,
          message: `maps to ${JSON.stringify(to)} like spec.projection.versions[${other}]`,
        });
      }
      seen.set(to, from);
    }
  }

  checkNaming(pr, errs);
  if (spec.onboarding) errs.push(...onboardingErrors(spec.onboarding));
  checkSchemaUpdatePolicy(spec.schemaUpdatePolicy, errs);
  checkSelector('spec.filter.namespace', spec.filter?.namespace, errs);
  checkSelector('spec.filter.resource', spec.filter?.resource, errs);
  checkMutations('spec.mutation.spec', spec.mutation?.spec, errs);
  checkMutations('spec.mutation.status', spec.mutation?.status, errs);
  errs.push(...validateEventMirror(spec.events));
  checkNamespaceMetadata(spec.namespaceMetadata, errs);

  const identifiers = new Map<string, number>();
  (spec.related ?? []).forEach((rel, i) => {
    const path = `spec.related[${i}]`;
    const first = identifiers.get(rel.identifier);
    if (first !== undefined) {
      errs.push({
        field: `${path}.identifier`,
        value: rel.identifier,
        message: `duplicate identifier ${JSON.stringify(rel.identifier)}, already used by spec.related[${first}]`,
      });
    } else identifiers.set(rel.identifier, i);
    checkObjectSpec(`${path}.object`, rel.object, errs);
    if (rel.object?.namespace) checkObjectSpec(`${path}.object.namespace`, rel.object.namespace, errs);
    checkReference(`${path}.object`, rel.object, errs);
    checkReference(`${path}.object.namespace`, rel.object?.namespace, errs);
    checkSelector(`${path}.object.selector`, rel.object?.selector, errs, true);
    checkSelector(`${path}.object.namespace.selector`, rel.object?.namespace?.selector, errs, true);
    checkSelector(`${path}.watch.bySelector`, rel.watch?.bySelector, errs);
    if (rel.object) {
      // Templates and regexes of the lookup compile here (the sync would only fail per object).
      for (const ce of compileRelated(rel, `${path}.object`).compileErrors)
        errs.push(withValue(pr, '', ce.fieldPath, ce.message));
    }
    checkAllowedNamespaces(`${path}.allowedNamespaces`, rel.allowedNamespaces, errs);
    checkMutations(`${path}.mutation.spec`, rel.mutation?.spec, errs);
    checkMutations(`${path}.mutation.status`, rel.mutation?.status, errs);
  });
  return errs;
}

/** Values this long are shortened in messages (a condition message is limited to 32 KiB). */
const MAX_VALUE_IN_MESSAGE = 120;

/** `value` quoted, shortened to MAX_VALUE_IN_MESSAGE characters with its real length. */
export function quoteValue(value: string): string {
  if (value.length <= MAX_VALUE_IN_MESSAGE) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_VALUE_IN_MESSAGE))}... (${value.length} characters)`;
}

/** `<field>: <quoted value>: <message>` (the value part only when known). */
export function formatFieldError(e: FieldError): string {
  return e.value === undefined
    ? `${e.field}: ${e.message}`
    : `${e.field}: ${quoteValue(e.value)}: ${e.message}`;
}

/** One line per problem, `PublishedResource "<name>": <field>: <value>: <message>`. */
export function formatValidationErrors(pr: PublishedResource, errs: FieldError[]): string {
  return errs.map((e) => `PublishedResource "${pr.metadata?.name ?? ''}": ${formatFieldError(e)}`).join('\n');
}

function checkKeyRef(path: string, ref: MetadataKeyRef | undefined, errs: FieldError[]): void {
  const set = (['label', 'annotation'] as const).filter((k) => ref?.[k]);
  if (set.length !== 1) {
    errs.push({
      field: path,
      value: set.join(','),
      message: 'exactly one of label or annotation must be set',
    });
    return;
  }
  const key = ref![set[0]!]!;
  for (const m of validateLabelKey(key))
    errs.push({ field: `${path}.${set[0]}`, value: key, message: `invalid key: ${m}` });
}

/**
 * Problems of `spec.onboarding`; the onboarding controller only runs without any. An empty selector
 * is refused: onboarding every object of a type is never what a provider means.
 */
export function onboardingErrors(onboarding: OnboardingSpec): FieldError[] {
  const errs: FieldError[] = [];
  const sel = onboarding.selector;
  const terms = Object.keys(sel?.matchLabels ?? {}).length + (sel?.matchExpressions?.length ?? 0);
  if (terms === 0)
    errs.push({ field: 'spec.onboarding.selector', value: '', message: 'must select by at least one label' });
  checkSelector('spec.onboarding.selector', sel, errs);
  checkKeyRef('spec.onboarding.workspaceFrom', onboarding.workspaceFrom, errs);
  if (onboarding.namespaceFrom) checkKeyRef('spec.onboarding.namespaceFrom', onboarding.namespaceFrom, errs);
  return errs;
}
