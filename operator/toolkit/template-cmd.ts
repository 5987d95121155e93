/**
 * `pubres-toolkit template`: renders a Go template offline, the way the agent does
 * (docs/compatibility.md#templates), so a provider can debug naming, related-object and mutation templates
 * without a cluster.
 *
 *   pubres-toolkit template '{{ .Object.metadata.name | sha3short }}' --data object.json
 *   echo '{"Object": {...}, "ClusterName": "x"}' | pubres-toolkit template --file name.tpl --data -
 *   pubres-toolkit template '{{ upper .Value }}' --html --data value.json     (mutation flavour)
 *
 * Data is JSON decoded like Kubernetes' unstructured objects (integers int64, other numbers float64). With
 * `--context struct` (the default, as in the agent) the top-level keys become struct fields, so a missing
 * field is an error while missing map keys print `<no value>`; `--context map` makes the data the dot.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  GoStruct,
  TemplateError,
  compileTemplate,
  goTrimSpace,
  parseJsonToGo,
} from '../golang/template/index.js';

export interface TemplateCommandOptions {
  file?: string;
  data?: string;
  context?: string;
  html?: boolean;
  funcs?: string;
  raw?: boolean;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Renders; `readText` reads a file path or `-` (stdin). Pure apart from reading inputs. */
export function runTemplateCommand(
  templateArg: string | undefined,
  opts: TemplateCommandOptions,
  readText: (pathOrDash: string) => string,
): CommandResult {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: msg + '\n', exitCode: 1 });
  if (templateArg !== undefined && opts.file)
    return fail('error: give the template either as an argument or with --file, not both');
  const text = opts.file ? readText(opts.file) : templateArg;
  if (text === undefined) return fail('error: missing template (argument or --file)');
  const funcs = opts.funcs ?? (opts.html ? 'sprig' : 'agent');
  if (funcs !== 'agent' && funcs !== 'sprig')
    return fail(`error: --funcs must be "agent" or "sprig", got "${funcs}"`);
  const context = opts.context ?? 'struct';
  if (context !== 'struct' && context !== 'map')
    return fail(`error: --context must be "struct" or "map", got "${context}"`);

  let data: unknown = {};
  if (opts.data) {
    const raw = readText(opts.data);
    try {
      data = parseJsonToGo(raw);
    } catch (e) {
      return fail(`error: --data ${opts.data}: invalid JSON: ${(e as Error).message}`);
    }
  }
  if (context === 'struct') {
    if (!isPlainObject(data))
      return fail('error: --context struct needs a JSON object whose keys are the field names');
    data = new GoStruct(data, 'templateData');
  }
  try {
    const out = compileTemplate(text, { html: opts.html ?? false, funcs }).execute(data);
    return { stdout: (opts.raw ? out : goTrimSpace(out)) + '\n', stderr: '', exitCode: 0 };
  } catch (e) {
    if (e instanceof TemplateError) return fail(e.message);
    throw e;
  }
}

function readTextFromDisk(p: string): string {
  return readFileSync(p === '-' ? 0 : p, 'utf8');
}

/** Adds the `template` sub-command to the toolkit program. */
export function registerTemplateCommand(program: Command): Command {
  return program
    .command('template')
    .description('render a Go template (text/template + sprig + agent functions) against JSON data')
    .argument('[template]', 'template text (or use --file)')
    .option('-f, --file <path>', 'read the template from a file ("-" for stdin)')
    .option('-d, --data <path>', 'JSON data file ("-" for stdin); default {}')
    .option('--context <kind>', 'struct (top-level keys are struct fields, like the agent) or map', 'struct')
    .option('--html', 'html/template escaping, as template mutations use (implies --funcs sprig)')
    .option('--funcs <set>', 'agent (sprig + sha3sum/sha3short/shortHash) or sprig')
    .option('--raw', 'do not trim surrounding white space from the output')
    .action((templateArg: string | undefined, opts: TemplateCommandOptions) => {
      const r = runTemplateCommand(templateArg, opts, readTextFromDisk);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
