/**
 * Schema compatibility: compares the APIResourceSchema the APIExport serves with the one a changed CRD
 * would publish and classifies every difference as compatible (existing consumer objects and clients keep
 * working) or breaking (something valid before may be rejected, lost or unreadable now). Pure; the
 * apiresourceschema controller and `pubres-toolkit schema-diff` call it (docs/authoring.md, "Schema
 * update policy").
 *
 * The classification is conservative: a change the rules below cannot prove harmless (a changed
 * pattern, a changed CEL rule, a changed allOf) is breaking. Documentation-only keys (description,
 * example, title, externalDocs) are ignored.
 */
import type { APIResourceSchema, JSONSchemaProps } from './types.js';
import { jsonEqual } from '../sync/unstructured.js';

export interface SchemaChange {
  /** Where: `spec.scope`, `versions[v1]`, or `versions[v1].spec.ports[*].name` for a field. */
  path: string;
  breaking: boolean;
  /** Why, in a few words: `field removed`, `type changed from string to integer`. */
  reason: string;
}

/** The parts of an APIResourceSchema spec the comparison reads. */
export type SchemaSpec = APIResourceSchema['spec'];

/** Every difference between the published schema and the candidate, in a stable order. */
export function compareSchemas(published: SchemaSpec, candidate: SchemaSpec): SchemaChange[] {
  const out: SchemaChange[] = [];
  const add = (path: string, breaking: boolean, reason: string) => out.push({ path, breaking, reason });
  if (published.group !== candidate.group)
    add('spec.group', true, `group changed from ${q(published.group)} to ${q(candidate.group)}`);
  if (published.scope !== candidate.scope)
    add('spec.scope', true, `scope changed from ${published.scope} to ${candidate.scope}`);
  for (const key of ['plural', 'singular', 'kind', 'listKind'] as const) {
    const before = published.names?.[key];
    const after = candidate.names?.[key];
    if ((before ?? '') !== (after ?? ''))
      add(`spec.names.${key}`, true, `${key} changed from ${q(before)} to ${q(after)}`);
  }
  for (const key of ['shortNames', 'categories'] as const) {
    const before = published.names?.[key] ?? [];
    const after = candidate.names?.[key] ?? [];
    for (const v of before)
      if (!after.includes(v)) add(`spec.names.${key}`, true, `${q(v)} removed (clients may use it)`);
    for (const v of after) if (!before.includes(v)) add(`spec.names.${key}`, false, `${q(v)} added`);
  }
  compareVersions(published, candidate, add);
  return out;
}

type Add = (path: string, breaking: boolean, reason: string) => void;

function compareVersions(published: SchemaSpec, candidate: SchemaSpec, add: Add): void {
  const after = new Map(candidate.versions.map((v) => [v.name, v]));
  const before = new Map(published.versions.map((v) => [v.name, v]));
  const storage = (s: SchemaSpec) => s.versions.find((v) => v.storage)?.name;
  if (storage(published) !== storage(candidate))
    add(
      'spec.versions',
      true,
      `storage version changed from ${q(storage(published))} to ${q(storage(candidate))} (stored objects are not converted)`,
    );
  for (const old of published.versions) {
    const path = `versions[${old.name}]`;
    const now = after.get(old.name);
    if (!now) {
      add(path, true, 'version removed');
      continue;
    }
    if (old.served && !now.served) add(path, true, 'version no longer served');
    if (!old.served && now.served) add(path, false, 'version now served');
    if (!old.deprecated && now.deprecated) add(path, false, 'version deprecated');
    compareSubresources(path, old.subresources, now.subresources, add);
    compareProps(path, old.schema ?? undefined, now.schema ?? undefined, add);
  }
  for (const v of candidate.versions)
    if (!before.has(v.name)) add(`versions[${v.name}]`, false, 'version added');
}

function compareSubresources(
  path: string,
  before: SchemaSpec['versions'][number]['subresources'] | undefined,
  after: SchemaSpec['versions'][number]['subresources'] | undefined,
  add: Add,
): void {
  for (const key of ['status', 'scale'] as const) {
    const had = before?.[key] != null;
    const has = after?.[key] != null;
    const where = `${path}.subresources.${key}`;
    if (had && !has) add(where, true, `${key} subresource removed`);
    else if (!had && has) add(where, key === 'status', `${key} subresource added`);
    else if (had && has && !jsonEqual(before?.[key], after?.[key]))
      add(where, true, `${key} subresource changed`);
  }
}

/** Keys that document a field without changing what it accepts. */
const DOCUMENTATION = new Set([
  'description',
  'example',
  'title',
  'externalDocs',
  'default',
  'id',
  '$schema',
]);

/** Keys compared by a rule of their own below; every other key that changes is breaking. */
const HANDLED = new Set([
  'type',
  'format',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
  'pattern',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'uniqueItems',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
]);

const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

function compareProps(
  path: string,
  before: JSONSchemaProps | undefined,
  after: JSONSchemaProps | undefined,
  add: Add,
): void {
  if (!before && !after) return;
  if (!before) return add(path, true, 'schema added where none was');
  if (!after) return add(path, false, 'schema removed (anything is accepted)');

  if (before.type !== after.type) {
    if (!after.type && !after['x-kubernetes-preserve-unknown-fields']) {
      // An untyped field still needs x-kubernetes-preserve-unknown-fields to keep its value.
      add(path, true, `type ${before.type} dropped (values are pruned)`);
    } else if (!after.type) add(path, false, `type widened from ${before.type} to any`);
    else if (!before.type) add(path, true, `type narrowed to ${after.type}`);
    else if (before.type === 'integer' && after.type === 'number')
      add(path, false, 'type widened from integer to number');
    else add(path, true, `type changed from ${before.type} to ${after.type}`);
  }
  if (before['x-kubernetes-int-or-string'] && !after['x-kubernetes-int-or-string'])
    add(path, true, 'no longer accepts both integer and string');
  if (before.format !== after.format) {
    if (after.format === undefined) add(path, false, `format ${q(before.format)} removed`);
    else add(path, true, `format changed from ${q(before.format)} to ${q(after.format)}`);
  }
  if (before.nullable && !after.nullable) add(path, true, 'no longer nullable');
  if (!before.nullable && after.nullable) add(path, false, 'now nullable');

  compareEnum(path, before.enum, after.enum, add);
  if (before.pattern !== after.pattern) {
    if (after.pattern === undefined) add(path, false, 'pattern removed');
    else if (before.pattern === undefined) add(path, true, `pattern ${q(after.pattern)} added`);
    else add(path, true, `pattern changed from ${q(before.pattern)} to ${q(after.pattern)}`);
  }
  compareBounds(path, before, after, add);
  if (before.multipleOf !== after.multipleOf) {
    if (after.multipleOf === undefined) add(path, false, 'multipleOf removed');
    else add(path, true, `multipleOf changed from ${before.multipleOf ?? 'none'} to ${after.multipleOf}`);
  }
  if (!before.uniqueItems && after.uniqueItems) add(path, true, 'items must now be unique');
  if (before.uniqueItems && !after.uniqueItems) add(path, false, 'items no longer need to be unique');
  const keepsUnknown = (s: JSONSchemaProps) => s['x-kubernetes-preserve-unknown-fields'] === true;
  if (keepsUnknown(before) && !keepsUnknown(after)) add(path, true, 'unknown fields are now pruned');
  if (!keepsUnknown(before) && keepsUnknown(after)) add(path, false, 'unknown fields are now kept');
  compareRules(path, before, after, add);

  compareRequired(path, before, after, add);
  compareProperties(path, before, after, add);
  compareItems(path, before.items, after.items, add);
  compareAdditional(path, before.additionalProperties, after.additionalProperties, add);

  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of [...keys].sort()) {
    if (HANDLED.has(key) || DOCUMENTATION.has(key)) continue;
    const a = (before as Record<string, unknown>)[key];
    const b = (after as Record<string, unknown>)[key];
    if (!jsonEqual(a, b)) add(path, true, `${key} changed (cannot be proven compatible)`);
  }
}

function compareEnum(
  path: string,
  before: unknown[] | undefined,
  after: unknown[] | undefined,
  add: Add,
): void {
  if (!after) {
    if (before) add(path, false, 'enum restriction removed');
    return;
  }
  if (!before) return add(path, true, `values restricted to enum ${JSON.stringify(after)}`);
  const has = (list: unknown[], v: unknown) => list.some((x) => jsonEqual(x, v));
  for (const v of before) if (!has(after, v)) add(path, true, `enum value ${JSON.stringify(v)} removed`);
  for (const v of after) if (!has(before, v)) add(path, false, `enum value ${JSON.stringify(v)} added`);
}

function compareBounds(path: string, before: JSONSchemaProps, after: JSONSchemaProps, add: Add): void {
  for (const key of LOWER_BOUNDS) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    if (b === undefined) add(path, false, `${key} ${a} removed`);
    else if (a === undefined || b > a) add(path, true, `${key} tightened from ${a ?? 'none'} to ${b}`);
    else add(path, false, `${key} loosened from ${a} to ${b}`);
  }
  for (const key of UPPER_BOUNDS) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    if (b === undefined) add(path, false, `${key} ${a} removed`);
    else if (a === undefined || b < a) add(path, true, `${key} tightened from ${a ?? 'none'} to ${b}`);
    else add(path, false, `${key} loosened from ${a} to ${b}`);
  }
  for (const key of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (!before[key] && after[key]) add(path, true, `${key} set (the bound itself is no longer allowed)`);
    if (before[key] && !after[key]) add(path, false, `${key} unset`);
  }
}

function compareRules(path: string, before: JSONSchemaProps, after: JSONSchemaProps, add: Add): void {
  const rules = (s: JSONSchemaProps) => s['x-kubernetes-validations'] ?? [];
  const had = rules(before);
  const has = rules(after);
  for (const r of has)
    if (!had.some((o) => jsonEqual(o, r))) add(path, true, `validation rule ${q(r.rule)} added or changed`);
  for (const r of had)
    if (!has.some((n) => n.rule === r.rule)) add(path, false, `validation rule ${q(r.rule)} removed`);
}

function compareRequired(path: string, before: JSONSchemaProps, after: JSONSchemaProps, add: Add): void {
  const had = before.required ?? [];
  const has = after.required ?? [];
  for (const name of has) {
    if (had.includes(name)) continue;
    const isNew = !before.properties?.[name];
    add(child(path, name), true, isNew ? 'new required field' : 'field became required');
  }
  for (const name of had) if (!has.includes(name)) add(child(path, name), false, 'field no longer required');
}

function compareProperties(path: string, before: JSONSchemaProps, after: JSONSchemaProps, add: Add): void {
  const had = before.properties ?? {};
  const has = after.properties ?? {};
  for (const name of Object.keys(had).sort()) {
    const where = child(path, name);
    if (!(name in has)) {
      // A field kept by x-kubernetes-preserve-unknown-fields still round-trips, untyped.
      if (after['x-kubernetes-preserve-unknown-fields'])
        add(where, false, 'field removed from the schema (kept as an unknown field)');
      else add(where, true, 'field removed');
      continue;
    }
    compareProps(where, had[name], has[name], add);
  }
  for (const name of Object.keys(has).sort()) {
    if (name in had) continue;
    // A new required field is reported by compareRequired.
    if (!(after.required ?? []).includes(name)) add(child(path, name), false, 'optional field added');
  }
}

function compareItems(
  path: string,
  before: JSONSchemaProps['items'],
  after: JSONSchemaProps['items'],
  add: Add,
): void {
  if (before === undefined && after === undefined) return;
  if (Array.isArray(before) || Array.isArray(after)) {
    if (!jsonEqual(before, after)) add(`${path}[*]`, true, 'items changed (cannot be proven compatible)');
    return;
  }
  compareProps(`${path}[*]`, before, after, add);
}

function compareAdditional(
  path: string,
  before: JSONSchemaProps['additionalProperties'],
  after: JSONSchemaProps['additionalProperties'],
  add: Add,
): void {
  if (jsonEqual(before, after)) return;
  const where = `${path}.*`;
  const allows = (x: typeof before) => x === true || (typeof x === 'object' && x !== null);
  if (allows(before) && !allows(after)) return add(where, true, 'additional properties no longer allowed');
  if (!allows(before) && allows(after)) return add(where, false, 'additional properties now allowed');
  if (typeof before === 'object' && typeof after === 'object') return compareProps(where, before, after, add);
  if (before === true) add(where, true, 'additional properties now restricted by a schema');
  else add(where, false, 'additional properties no longer restricted by a schema');
}

function child(path: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function q(v: string | undefined): string {
  return v === undefined ? 'none' : JSON.stringify(v);
}

/** `path: reason` for each change, joined for a condition or an event message. */
export function formatSchemaChanges(changes: readonly SchemaChange[]): string {
  return changes.map((c) => `${c.path}: ${c.reason}`).join('; ');
}
