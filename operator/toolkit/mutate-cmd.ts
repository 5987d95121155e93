/**
 * `pubres-toolkit mutate`: applies a mutation list to an object offline, exactly as the agent would
 * (docs/compatibility.md#mutations), and prints the mutated object as JSON.
 *
 *   pubres-toolkit mutate --mutations pubres.yaml --object remote.json [--other local.json]
 *   pubres-toolkit mutate --mutations steps.yaml --direction status --object local.json --other remote.json
 *
 * --mutations accepts a PublishedResource (its spec.mutation), a `{spec: [...], status: [...]}`
 * mutation spec, or a plain list of steps (YAML or JSON).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  compileMutations,
  type ResourceMutation,
  type ResourceMutationSpec,
} from '../engine/mutation/index.js';
import { goMarshal } from '../golang/json/marshal.js';
import type { CommandResult } from './template-cmd.js';

export interface MutateCommandOptions {
  mutations?: string;
  object?: string;
  other?: string;
  direction?: string;
  pretty?: boolean;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The mutation spec in a file: a PublishedResource, a ResourceMutationSpec, or a list of steps. */
function mutationSpecOf(
  doc: unknown,
  direction: 'spec' | 'status',
): { spec: ResourceMutationSpec; prefix: string } {
  if (Array.isArray(doc)) return { spec: { [direction]: doc as ResourceMutation[] }, prefix: 'mutations' };
  const o = asObject(doc);
  if (o && o.kind === 'PublishedResource') {
    return {
      spec: (asObject(asObject(o.spec)?.mutation) ?? {}) as ResourceMutationSpec,
      prefix: 'spec.mutation',
    };
  }
  if (o) return { spec: o as ResourceMutationSpec, prefix: 'mutation' };
  throw new Error('expected a PublishedResource, a {spec, status} mutation spec or a list of steps');
}

export function runMutateCommand(opts: MutateCommandOptions, readText: (p: string) => string): CommandResult {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: msg + '\n', exitCode: 1 });
  const direction = opts.direction ?? 'spec';
  if (direction !== 'spec' && direction !== 'status')
    return fail(`error: --direction must be "spec" or "status"`);
  if (!opts.mutations || !opts.object) return fail('error: --mutations and --object are required');
  try {
    const { spec, prefix } = mutationSpecOf(parseYaml(readText(opts.mutations)), direction);
    const mutator = compileMutations(spec, prefix);
    const obj = asObject(JSON.parse(readText(opts.object)));
    if (!obj) return fail(`error: ${opts.object}: expected a JSON object`);
    const other = opts.other ? (asObject(JSON.parse(readText(opts.other))) ?? null) : null;
    const out = direction === 'spec' ? mutator.mutateSpec(obj, other) : mutator.mutateStatus(obj, other);
    return {
      stdout: (opts.pretty ? JSON.stringify(JSON.parse(goMarshal(out)), null, 2) : goMarshal(out)) + '\n',
      stderr: '',
      exitCode: 0,
    };
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
}

/** Adds the `mutate` sub-command. */
export function registerMutateCommand(program: Command): Command {
  return program
    .command('mutate')
    .description('apply a mutation list (delete, regex, template, cel) to a JSON object as the agent does')
    .requiredOption(
      '-m, --mutations <path>',
      'PublishedResource, {spec,status} mutation spec or list of steps (YAML/JSON)',
    )
    .requiredOption('--object <path>', 'the object to mutate (JSON, "-" for stdin)')
    .option('--other <path>', 'the counterpart object (JSON); default null')
    .option('--direction <dir>', 'spec or status', 'spec')
    .option('--pretty', 'indent the output')
    .action((opts: MutateCommandOptions) => {
      const r = runMutateCommand(opts, (p) => readFileSync(p === '-' ? 0 : p, 'utf8'));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
