/**
 * Go `text/template` (and the `html/template` text-context flavour) with Sprig v3.3.0 and the agent's own
 * functions, implemented in TypeScript. See docs/compatibility.md#templates and
 * docs/compatibility.md#mutations.
 *
 * Go value model for template data:
 *   string -> string; JS number -> float64; bigint -> int64; boolean -> bool; null/undefined -> nil;
 *   arrays -> []interface{}; plain objects -> map[string]interface{} (missing key => "no value", prints
 *   `<no value>`); `new GoStruct({ Field: value, ... }, typeName, methods)` -> a struct (missing field =>
 *   execution error "can't evaluate field X in type <typeName>"; a null field is a nil map; methods are
 *   callable as `.Value.String`, and a `String` method makes the value a fmt.Stringer).
 * Use `jsonToGoValue` (or `parseJsonToGo` on JSON text) to turn decoded JSON into this model the way
 * Kubernetes' unstructured decoding does (integers -> int64, other numbers -> float64).
 *
 * html mode: values printed by actions are escaped like html/template in HTML text context
 * (`<>&'"+` and NUL); other HTML contexts (attributes, <script>, URLs) are not modelled.
 */
import { agentFuncs } from './agent.js';
import { builtins } from './builtins.js';
import { TemplateError } from './errors.js';
import { Executor } from './exec.js';
import type { FuncDef, FuncMap } from './funcs.js';
import { planHtml } from './htmlcontext.js';
import { ParseError, type Tree, parseTemplates } from './parse.js';
import { sprigFuncs } from '../sprig/index.js';
import { unconfiguredTemplateEnvironment, type TemplateEnvironment } from './environment.js';
import { goWellFormed } from './gostrings.js';

export {
  GoStruct,
  GoInt,
  GoTime,
  GoDuration,
  GoBytes,
  GoFunc,
  NO_VALUE,
  jsonToGoValue,
  parseJsonToGo,
} from './value.js';
export { TemplateError } from './errors.js';
export { FuncError, fn, type FuncDef, type ParamType } from './funcs.js';
export { sha3sum, sha3short, shortHash } from './agent.js';
export { formatValue, sprint, sprintf } from './fmt.js';
export {
  fixedTemplateEnvironment,
  type FixedTemplateEnvironmentOptions,
  type PrivateKeySpec,
  type TemplateEnvironment,
} from './environment.js';

export interface CompileOptions {
  /** html/template escaping of printed values (template mutations). */
  html?: boolean;
  /**
   * 'agent' (default) = sprig (including its `join SEP LIST`) + sha3sum/sha3short/shortHash;
   * 'sprig' = sprig only (template mutations).
   */
  funcs?: 'agent' | 'sprig';
  /** Template name used in error messages (default "inline"). */
  name?: string;
  /** Upper bound on output size (default 1 MiB). */
  maxOutputBytes?: number;
  /** Upper bound on evaluation steps (default 1e6). */
  maxSteps?: number;
  /**
   * The clock, variables and randomness of `now`, `env`, `rand*`, ... (default: the one installed
   * with useTemplateEnvironment; with none installed these functions fail).
   */
  environment?: TemplateEnvironment;
}

export interface CompiledTemplate {
  /**
   * Output, NOT trimmed. Throws TemplateError on execution errors. Bytes that are not valid UTF-8 (a
   * multibyte character cut by trunc/substr) come out as U+FFFD each, as Go's JSON encoding of the
   * rendered string (object names, labels, field values) has them.
   */
  execute(data: unknown): string;
}

const extraFuncs: FuncMap = {};

/** Registers an additional function available to every template compiled afterwards. */
export function registerFunction(name: string, def: FuncDef): void {
  extraFuncs[name] = def;
}

let installedEnvironment: TemplateEnvironment = unconfiguredTemplateEnvironment;

/**
 * Installs the environment templates compiled afterwards use when CompileOptions.environment is not
 * given. The agent and pubres-toolkit install the process's real one at start-up.
 */
export function useTemplateEnvironment(env: TemplateEnvironment): void {
  installedEnvironment = env;
}

type FuncSets = Record<'agent' | 'sprig', FuncMap>;
const funcSetsByEnvironment = new WeakMap<TemplateEnvironment, FuncSets>();

function funcSetsFor(env: TemplateEnvironment): FuncSets {
  let sets = funcSetsByEnvironment.get(env);
  if (!sets) {
    const sprig = sprigFuncs(env);
    sets = { agent: { ...builtins, ...sprig, ...agentFuncs }, sprig: { ...builtins, ...sprig } };
    funcSetsByEnvironment.set(env, sets);
  }
  return sets;
}

/** Parses a template; throws TemplateError(kind 'parse') with Go's message on syntax errors. */
export function compileTemplate(text: string, opts: CompileOptions = {}): CompiledTemplate {
  const name = opts.name ?? 'inline';
  const base = funcSetsFor(opts.environment ?? installedEnvironment)[opts.funcs ?? 'agent'];
  const funcs: FuncMap = Object.keys(extraFuncs).length ? { ...base, ...extraFuncs } : base;
  let trees: Map<string, Tree>;
  try {
    trees = parseTemplates(name, text, (f) => Object.hasOwn(funcs, f));
  } catch (e) {
    if (e instanceof ParseError) throw new TemplateError('parse', name, e.message, e.line);
    throw e;
  }
  const execOpts = {
    html: opts.html ?? false,
    ...(opts.html ? { htmlPlan: planHtml(trees, name) } : {}),
    maxSteps: opts.maxSteps ?? 1_000_000,
    maxOutputBytes: opts.maxOutputBytes ?? 1 << 20,
  };
  return {
    execute(data: unknown): string {
      const ex = new Executor(trees, funcs, text, name, execOpts);
      try {
        return goWellFormed(ex.execute(name, data));
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        if (e instanceof RangeError) throw new TemplateError('exec', name, `template: ${name}: ${e.message}`);
        throw e;
      }
    },
  };
}

/** compile + execute + strings.TrimSpace, as the agent renders naming and related-object templates. */
export function renderTemplate(text: string, data: unknown, opts: CompileOptions = {}): string {
  return goTrimSpace(compileTemplate(text, opts).execute(data));
}

/** strings.TrimSpace (Unicode white space). */
export function goTrimSpace(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');
}
