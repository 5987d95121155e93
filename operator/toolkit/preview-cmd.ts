/**
 * `pubres-toolkit preview`: what the agent would create or change on the service cluster for one
 * consumer object, without touching a cluster: the same naming, mutation and planning code as the
 * agent (operator/engine/sync/preview.ts).
 *
 *   pubres-toolkit preview --published-resource pr.yaml --object consumer.yaml
 *       [--local existing-copy.yaml] [--state state.json] [--cluster NAME] [--workspace-path PATH]
 *       [--agent-name NAME] [--local-version V] [--cluster-scoped] [--no-status-subresource] [-o yaml|json]
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { compileMutations } from '../engine/mutation/index.js';
import { compileNaming } from '../engine/naming/index.js';
import { previewPrimarySync } from '../engine/sync/preview.js';
import type { Unstructured } from '../engine/sync/unstructured.js';
import type { CommandResult } from './template-cmd.js';

export interface PreviewCommandOptions {
  publishedResource?: string;
  object?: string;
  local?: string;
  state?: string;
  cluster?: string;
  workspacePath?: string;
  agentName?: string;
  localVersion?: string;
  clusterScoped?: boolean;
  statusSubresource?: boolean;
  output?: string;
}

export function runPreviewCommand(o: PreviewCommandOptions, readText: (p: string) => string): CommandResult {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: `Error: ${msg}\n`, exitCode: 1 });
  if (!o.publishedResource || !o.object) return fail('--published-resource and --object are required');
  const output = o.output ?? 'yaml';
  if (output !== 'yaml' && output !== 'json') return fail('--output must be yaml or json');
  try {
    const pr = parseYaml(readText(o.publishedResource)) as PublishedResource;
    if (pr?.kind !== 'PublishedResource' || !pr.spec?.resource) {
      throw new Error(`${o.publishedResource}: not a PublishedResource`);
    }
    const remote = parseYaml(readText(o.object)) as Unstructured;
    if (!remote?.metadata?.name) throw new Error(`${o.object}: the object has no metadata.name`);
    const local = o.local ? (parseYaml(readText(o.local)) as Unstructured) : undefined;
    const r = pr.spec.resource;
    const remoteVersion =
      String(remote.apiVersion ?? '')
        .split('/')
        .pop() ?? '';
    const version = o.localVersion || r.version || r.versions?.[0] || remoteVersion;
    const group = r.apiGroup ?? '';
    const subresources = o.statusSubresource === false ? [] : ['status'];
    const steps = previewPrimarySync({
      remote,
      ...(local ? { local } : {}),
      ...(o.state ? { storedState: readText(o.state) } : {}),
      clusterName: o.cluster ?? 'preview',
      workspacePath: o.workspacePath ?? '',
      agentName: o.agentName ?? 'preview-syncagent',
      types: {
        local: {
          apiVersion: group === '' ? version : `${group}/${version}`,
          kind: r.kind,
          namespaced: !o.clusterScoped && !!remote.metadata.namespace,
          subresources,
        },
        remote: { subresources },
      },
      naming: compileNaming(pr.spec.naming),
      mutator: compileMutations(pr.spec.mutation, 'spec.mutation'),
    });
    const doc = { steps };
    const stdout = output === 'json' ? JSON.stringify(doc, null, 2) + '\n' : toYaml(doc);
    return { stdout, stderr: '', exitCode: 0 };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

/** Adds the `preview` sub-command. */
export function registerPreviewCommand(program: Command): Command {
  return program
    .command('preview')
    .description('show what the agent would create or change on the service cluster for a consumer object')
    .requiredOption('--published-resource <file>', 'the PublishedResource (YAML or JSON)')
    .requiredOption('--object <file>', 'the consumer object in kcp (YAML or JSON)')
    .option('--local <file>', 'the existing copy on the service cluster, if any')
    .option('--state <file>', "the copy's last-known state (a state Secret entry), if any")
    .option('--cluster <name>', 'logical cluster name of the consumer workspace', 'preview')
    .option('--workspace-path <path>', 'workspace path (with enableWorkspacePaths)', '')
    .option('--agent-name <name>', 'the agent name', 'preview-syncagent')
    .option('--local-version <version>', 'storage version of the service-cluster CRD')
    .option('--cluster-scoped', 'the service-cluster type is cluster-scoped')
    .option('--no-status-subresource', 'the type has no status subresource')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action((opts: PreviewCommandOptions) => {
      const r = runPreviewCommand(opts, (p) => readFileSync(p, 'utf8'));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
