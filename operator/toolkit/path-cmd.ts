/**
 * `pubres-toolkit path`: evaluates a gjson path on a JSON document, or sets/deletes with sjson, the
 * way mutations and related-object references do.
 *
 *   pubres-toolkit path spec.users.#.name --data object.json          -> the String() value
 *   pubres-toolkit path 'spec.users.#(age>30)#' --data - --output json -> type, raw, string, exists
 *   pubres-toolkit path spec.secretName --data obj.json --delete       -> the changed document
 *   pubres-toolkit path spec.image --data obj.json --set nginx         -> the changed document
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  deletePath,
  fromJs,
  getPath,
  isTextEdited,
  parseJson,
  rawOf,
  setPath,
  setRawPath,
  toJs,
  type JNode,
} from '../golang/gjson/index.js';
import { goMarshal } from '../golang/json/marshal.js';
import { goJsonSyntaxError } from '../golang/json/syntax.js';
import type { CommandResult } from './template-cmd.js';

export interface PathCommandOptions {
  data?: string;
  set?: string;
  setRaw?: string;
  delete?: boolean;
  output?: string;
}

export function runPathCommand(
  path: string,
  opts: PathCommandOptions,
  readText: (p: string) => string,
): CommandResult {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: msg + '\n', exitCode: 1 });
  const output = opts.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    return fail(`error: --output must be "text" or "json", got "${output}"`);
  const writes = [opts.set !== undefined, opts.setRaw !== undefined, !!opts.delete].filter(Boolean).length;
  if (writes > 1) return fail('error: use at most one of --set, --set-raw, --delete');
  let doc: JNode;
  try {
    doc = parseJson(opts.data ? readText(opts.data) : '{}');
  } catch (e) {
    return fail(`error: --data ${opts.data ?? ''}: ${(e as Error).message}`);
  }
  try {
    if (writes === 1) {
      const out =
        opts.set !== undefined
          ? setPath(doc, path, opts.set)
          : opts.setRaw !== undefined
            ? setRawPath(doc, path, parseJson(opts.setRaw))
            : deletePath(doc, path);
      // the agent decodes the result into an object and encodes it again (sorted keys, Go numbers);
      // an edit inside a string's text is decoded from the text and may not decode at all
      let tree = out;
      if (isTextEdited(out)) {
        const syntax = goJsonSyntaxError(rawOf(out));
        if (syntax !== undefined) return fail(`error: ${syntax}`);
        tree = parseJson(rawOf(out));
      }
      return { stdout: goMarshal(toJs(fromJs(toJs(tree)))) + '\n', stderr: '', exitCode: 0 };
    }
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
  const r = getPath(doc, path);
  if (output === 'text') return { stdout: r.string() + '\n', stderr: '', exitCode: r.exists() ? 0 : 1 };
  const view = { exists: r.exists(), type: r.type, raw: r.raw, string: r.string() };
  return { stdout: JSON.stringify(view) + '\n', stderr: '', exitCode: 0 };
}

/** Adds the `path` sub-command. */
export function registerPathCommand(program: Command): Command {
  return program
    .command('path')
    .description('evaluate a gjson path on JSON (or set/delete with sjson), as mutations and references do')
    .argument('<path>', 'gjson/sjson path, e.g. spec.users.#.name')
    .option('-d, --data <path>', 'JSON document file ("-" for stdin); default {}')
    .option('--set <string>', 'set the path to this string and print the document')
    .option('--set-raw <json>', 'set the path to this JSON value and print the document')
    .option('--delete', 'delete the path and print the document')
    .option('-o, --output <format>', 'text (gjson String(); exit 1 when missing) or json', 'text')
    .action((path: string, opts: PathCommandOptions) => {
      const r = runPathCommand(path, opts, (p) => readFileSync(p === '-' ? 0 : p, 'utf8'));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
