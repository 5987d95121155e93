/**
 * `pubres-toolkit schema-diff --crd new.yaml --published ars.yaml [--pr pr.yaml] [-o text|json]`:
 * classifies, offline, how a CRD file would change the APIResourceSchema an APIExport serves
 * (engine/schema/compat.ts, the agent's own rules). With `--pr` the CRD is projected as the agent
 * would and the PublishedResource's `spec.schemaUpdatePolicy` says whether the agent would publish or
 * hold. Exit code 0 when no change is breaking, 1 when one is, 2 when the input cannot be read — so a
 * provider's CI can stop a breaking CRD before it reaches the cluster. docs/pubres-toolkit.md.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { apiResourceSchemaName, buildAPIResourceSchema } from '../engine/schema/ars.js';
import { compareSchemas, type SchemaChange, type SchemaSpec } from '../engine/schema/compat.js';
import { projectCRD } from '../engine/schema/projection.js';
import { stripRealCRD } from '../engine/schema/source-schema.js';
import type { CustomResourceDefinition } from '../engine/schema/types.js';
import { decideSchemaUpdate } from '../engine/schema/update-policy.js';
import { TOOLKIT_AGENT_NAME } from './crd-cmd.js';
import type { CommandResult } from './template-cmd.js';

export interface SchemaDiffOptions {
  crd?: string;
  published?: string;
  pr?: string;
  output?: string;
}

const fail = (msg: string): CommandResult => ({ stdout: '', stderr: `Error: ${msg}\n`, exitCode: 2 });

/** The schema a file holds: an APIResourceSchema as kcp serves it, or a CRD (converted like the agent). */
function publishedSchema(doc: unknown, file: string): { name: string; spec: SchemaSpec } {
  const obj = doc as { kind?: string; metadata?: { name?: string }; spec?: SchemaSpec };
  if (obj?.kind === 'APIResourceSchema' && obj.spec)
    return { name: obj.metadata?.name ?? '<published>', spec: obj.spec };
  if (obj?.kind === 'CustomResourceDefinition') {
    const crd = stripRealCRD(doc as CustomResourceDefinition);
    const name = apiResourceSchemaName(crd);
    return { name, spec: buildAPIResourceSchema(crd, name, TOOLKIT_AGENT_NAME).spec };
  }
  throw new Error(`${file}: not an APIResourceSchema or CustomResourceDefinition`);
}

function textReport(changes: readonly SchemaChange[], verdict: string | undefined): string {
  const lines = changes.map((c) => `${c.breaking ? 'BREAKING  ' : 'compatible'}  ${c.path}: ${c.reason}`);
  const breaking = changes.filter((c) => c.breaking).length;
  lines.push(
    changes.length === 0
      ? 'no schema changes'
      : `${changes.length} change(s), ${breaking} breaking, ${changes.length - breaking} compatible`,
  );
  if (verdict) lines.push(verdict);
  return lines.join('\n') + '\n';
}

export function runSchemaDiffCommand(
  opts: SchemaDiffOptions,
  readText: (path: string) => string,
): CommandResult {
  if (!opts.crd || !opts.published) return fail('--crd and --published are required');
  const output = opts.output ?? 'text';
  if (output !== 'text' && output !== 'json') return fail(`unknown output format ${JSON.stringify(output)}`);
  try {
    const published = publishedSchema(parseYaml(readText(opts.published)), opts.published);
    const source = parseYaml(readText(opts.crd)) as CustomResourceDefinition;
    if (source?.kind !== 'CustomResourceDefinition')
      throw new Error(`${opts.crd}: not a CustomResourceDefinition`);
    const pr = opts.pr ? (parseYaml(readText(opts.pr)) as PublishedResource) : undefined;
    if (opts.pr && !pr?.spec?.resource)
      throw new Error(`${opts.pr}: not a PublishedResource (no spec.resource)`);
    const stripped = stripRealCRD(source);
    const crd = pr ? projectCRD(stripped, pr.spec) : stripped;
    const name = apiResourceSchemaName(crd);
    const candidate = { name, spec: buildAPIResourceSchema(crd, name, TOOLKIT_AGENT_NAME).spec };
    const changes = compareSchemas(published.spec, candidate.spec);
    let verdict: string | undefined;
    if (pr) {
      const policy = pr.spec.schemaUpdatePolicy ?? 'Always';
      const decision = decideSchemaUpdate(policy, published, candidate);
      verdict = decision.publish
        ? `schemaUpdatePolicy ${policy}: the agent would publish ${name}`
        : `schemaUpdatePolicy ${policy}: the agent would hold ${name} and keep ${published.name}`;
    }
    const breaking = changes.some((c) => c.breaking);
    const stdout =
      output === 'json'
        ? JSON.stringify(
            { published: published.name, candidate: name, breaking, changes, verdict },
            null,
            2,
          ) + '\n'
        : textReport(changes, verdict);
    return { stdout, stderr: '', exitCode: breaking ? 1 : 0 };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

/** Adds the `schema-diff` sub-command. */
export function registerSchemaDiffCommand(program: Command): Command {
  return program
    .command('schema-diff')
    .description(
      'classify the changes a CRD makes to a published APIResourceSchema as compatible or breaking (exit 1 when breaking)',
    )
    .option('--crd <file>', 'the new CustomResourceDefinition (YAML or JSON)')
    .option('--published <file>', 'the APIResourceSchema the APIExport serves (or the CRD it was made from)')
    .option('--pr <file>', 'the PublishedResource: projects the CRD and applies its schemaUpdatePolicy')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((opts: SchemaDiffOptions) => {
      const r = runSchemaDiffCommand(opts, (p) => readFileSync(p, 'utf8'));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
