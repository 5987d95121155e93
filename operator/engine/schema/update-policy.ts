/**
 * The schema update policy of a PublishedResource (`spec.schemaUpdatePolicy`, docs/authoring.md):
 * whether a changed projected schema replaces the one the APIExport serves, or is held back. Pure; the
 * apiresourceschema controller reads the published schema, calls `decideSchemaUpdate`, and either
 * publishes or reports the hold.
 */
import { compareSchemas, formatSchemaChanges, type SchemaChange, type SchemaSpec } from './compat.js';

/** Always: publish every change (the default, as the Go agent). */
export const SCHEMA_UPDATE_ALWAYS = 'Always';
/** CompatibleOnly: publish compatible changes, hold breaking ones. */
export const SCHEMA_UPDATE_COMPATIBLE_ONLY = 'CompatibleOnly';
/** Never: hold every change once a schema is published. */
export const SCHEMA_UPDATE_NEVER = 'Never';

export const SCHEMA_UPDATE_POLICIES = [
  SCHEMA_UPDATE_ALWAYS,
  SCHEMA_UPDATE_COMPATIBLE_ONLY,
  SCHEMA_UPDATE_NEVER,
] as const;
export type SchemaUpdatePolicy = (typeof SCHEMA_UPDATE_POLICIES)[number];

/** Condition on the PublishedResource: True while a schema change is held back. */
export const CONDITION_SCHEMA_CHANGE_HELD = 'SchemaChangeHeld';
/** Reasons of SchemaChangeHeld (and of the Warning event when True). */
export const REASON_BREAKING_CHANGE = 'BreakingSchemaChange';
export const REASON_UPDATES_DISABLED = 'SchemaUpdatesDisabled';
export const REASON_NO_CHANGE_HELD = 'NoChangeHeld';

export type SchemaUpdateDecision =
  | { publish: true; changes: SchemaChange[] }
  | { publish: false; reason: string; message: string; changes: SchemaChange[] };

/**
 * Whether the candidate schema may replace the published one. `published` is undefined when nothing
 * is published yet (or the published schema is gone): the first publish is never held.
 */
export function decideSchemaUpdate(
  policy: SchemaUpdatePolicy | undefined,
  published: { name: string; spec: SchemaSpec } | undefined,
  candidate: { name: string; spec: SchemaSpec },
): SchemaUpdateDecision {
  const effective = policy ?? SCHEMA_UPDATE_ALWAYS;
  if (effective === SCHEMA_UPDATE_ALWAYS || !published || published.name === candidate.name)
    return { publish: true, changes: [] };
  const changes = compareSchemas(published.spec, candidate.spec);
  const breaking = changes.filter((c) => c.breaking);
  const head = `APIResourceSchema ${candidate.name} is not published; the APIExport keeps ${published.name}`;
  if (effective === SCHEMA_UPDATE_NEVER) {
    const listed = changes.length > 0 ? `: ${formatSchemaChanges(changes)}` : ' (documentation-only change)';
    return {
      publish: false,
      reason: REASON_UPDATES_DISABLED,
      message: `${head} (schemaUpdatePolicy Never)${listed}`,
      changes,
    };
  }
  if (breaking.length === 0) return { publish: true, changes };
  return {
    publish: false,
    reason: REASON_BREAKING_CHANGE,
    message: `${head} (schemaUpdatePolicy CompatibleOnly); breaking changes: ${formatSchemaChanges(breaking)}`,
    changes,
  };
}
