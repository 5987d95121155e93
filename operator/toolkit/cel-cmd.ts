/**
 * `pubres-toolkit cel`: evaluates a CEL expression with the variables of a `cel` mutation
 * (docs/compatibility.md#mutations) and prints the JSON the agent would write at the path.
 *
 *   pubres-toolkit cel 'self.spec.replicas + 1' --object obj.json --path spec.replicas
 *   pubres-toolkit cel 'other.spec.image' --object obj.json --other dest.json
 *
 * `self` = the object (integral numbers are ints), `other` = --other or null, `value` = the gjson
 * value at --path (numbers are doubles; null when missing or without --path).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { celResultToJson, compileCel, toCelInput } from '../golang/cel/index.js';
import { fromJs, getPath } from '../golang/gjson/index.js';
import type { CommandResult } from './template-cmd.js';

export interface CelCommandOptions {
  object?: string;
  other?: string;
  path?: string;
}

function readObject(p: string | undefined, readText: (p: string) => string): Record<string, unknown> | null {
  if (!p) return null;
  const v = JSON.parse(readText(p)) as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Error(`${p}: expected a JSON object`);
  return v as Record<string, unknown>;
}

export function runCelCommand(
  expression: string,
  opts: CelCommandOptions,
  readText: (p: string) => string,
): CommandResult {
  const fail = (msg: string): CommandResult => ({ stdout: '', stderr: msg + '\n', exitCode: 1 });
  let self: Record<string, unknown> | null;
  let other: Record<string, unknown> | null;
  try {
    self = readObject(opts.object, readText);
    other = readObject(opts.other, readText);
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
  try {
    const prg = compileCel(expression);
    const value = opts.path && self ? getPath(fromJs(self), opts.path).value() : null;
    const out = prg.eval({
      self: toCelInput(self ?? {}, true),
      other: other === null ? null : toCelInput(other, true),
      value: toCelInput(value, false),
    });
    return { stdout: celResultToJson(out) + '\n', stderr: '', exitCode: 0 };
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
}

/** Adds the `cel` sub-command. */
export function registerCelCommand(program: Command): Command {
  return program
    .command('cel')
    .description(
      'evaluate a CEL expression like a cel mutation (self, other, value) and print the JSON result',
    )
    .argument('<expression>', 'CEL expression')
    .option('--object <path>', 'JSON object bound to self ("-" for stdin)')
    .option('--other <path>', 'JSON object bound to other (default null)')
    .option('--path <path>', 'gjson path whose value is bound to value')
    .action((expression: string, opts: CelCommandOptions) => {
      const r = runCelCommand(expression, opts, (p) => readFileSync(p === '-' ? 0 : p, 'utf8'));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
