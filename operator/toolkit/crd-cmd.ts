/**
 * `pubres-toolkit crd [--no-projection] [--ars] [--kubeconfig FILE] [--context NAME] pubres.yaml`
 * (docs/compatibility.md#pubres-toolkit): fetches the source CRD of a PublishedResource exactly like the
 * agent (discovery, CRD or OpenAPI fallback), projects it unless --no-projection, and prints it as YAML — or,
 * with --ars, the APIResourceSchema the agent would create (agent name `pubres-toolkit`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { PublishedResource } from '../apis/v1alpha1/types.js';
import { apiResourceSchemaName, buildAPIResourceSchema } from '../engine/schema/ars.js';
import { fetchSourceSchema, type JSONGetter } from '../controllers/source-schema.js';
import { projectCRD } from '../engine/schema/projection.js';
import { apiResourceSchemaToYAML, crdToYAML } from '../engine/schema/toolkit-output.js';
import { fetchServerGroupsAndResources } from '../runtime/client/discovery.js';
import type { CommandResult } from './template-cmd.js';

export const TOOLKIT_AGENT_NAME = 'pubres-toolkit';

export interface CrdCommandOptions {
  projection?: boolean;
  ars?: boolean;
  kubeconfig?: string;
  context?: string;
}

export interface CrdCommandDeps {
  readText: (path: string) => string;
  env: Record<string, string | undefined>;
  client: (kubeconfig: string, context: string | undefined) => JSONGetter | Promise<JSONGetter>;
}

const fail = (msg: string): CommandResult => ({ stdout: '', stderr: `Error: ${msg}\n`, exitCode: 1 });

export async function runCrdCommand(
  args: string[],
  opts: CrdCommandOptions,
  deps: CrdCommandDeps,
): Promise<CommandResult> {
  const kubeconfig = opts.kubeconfig || deps.env.KUBECONFIG;
  if (!kubeconfig) return fail('--kubeconfig or $KUBECONFIG are required for this command');
  if (args.length !== 1) return fail('expected exactly one argument');
  try {
    const pr = parseYaml(deps.readText(args[0]!)) as PublishedResource;
    const resource = pr?.spec?.resource;
    if (!resource) throw new Error(`${args[0]}: not a PublishedResource (no spec.resource)`);
    const client = await deps.client(kubeconfig, opts.context);
    const discovery = await fetchServerGroupsAndResources((path) => client.getJSON(path));
    const source = await fetchSourceSchema(client, discovery, resource.apiGroup ?? '', resource.kind ?? '');
    const crd = opts.projection === false ? source : projectCRD(source, pr.spec);
    if (!opts.ars) return { stdout: crdToYAML(crd), stderr: '', exitCode: 0 };
    const ars = buildAPIResourceSchema(crd, apiResourceSchemaName(crd), TOOLKIT_AGENT_NAME);
    return { stdout: apiResourceSchemaToYAML(ars), stderr: '', exitCode: 0 };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

export const crdCommandDeps: CrdCommandDeps = {
  readText: (p) => readFileSync(p, 'utf8'),
  env: process.env,
  // Loaded lazily: the REST client is only needed when talking to a cluster.
  client: async (kubeconfig, context) => {
    const { KubeConfigJSONGetter, loadKubeConfig } = await import('./kube-get.js');
    return new KubeConfigJSONGetter(loadKubeConfig(kubeconfig, context));
  },
};

/** Adds the `crd` sub-command. */
export function registerCrdCommand(program: Command): Command {
  return program
    .command('crd')
    .description(
      'print the (projected) CRD or APIResourceSchema the agent would publish for a PublishedResource',
    )
    .argument('[file...]', 'a YAML or JSON file with one PublishedResource')
    .option('--no-projection', 'print the source CRD without version selection or projection')
    .option('--ars', 'print the APIResourceSchema instead of the CRD')
    .option('--kubeconfig <file>', 'kubeconfig of the service cluster (default $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context to use')
    .action(async (files: string[], opts: CrdCommandOptions) => {
      const r = await runCrdCommand(files, opts, crdCommandDeps);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
