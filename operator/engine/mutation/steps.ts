/**
 * The four step kinds, compiled once. A step maps a JSON tree (the Go-JSON encoding of the object being
 * mutated) to a new tree; `input` is the object as the step sees it through `self`/`LocalObject`.
 */
import {
  type JNode,
  getPath,
  setPath,
  setRawPath,
  deletePath,
  parseJson,
  Result,
  resultIndexes,
} from '../../golang/gjson/index.js';
import { GoRegexp, GoRegexpSyntaxError } from '../../golang/regexp/index.js';
import { compileCel, toCelInput, celResultToJson, CelCompileError } from '../../golang/cel/index.js';
import {
  compileTemplate,
  fn,
  GoStruct,
  GoInt,
  GoTime,
  jsonToGoValue,
  goTrimSpace,
  TemplateError,
  type ParamType,
} from '../../golang/template/index.js';
import type { GoMethod } from '../../golang/template/value.js';
import { compareGoStrings, goQuote } from '../../golang/json/marshal.js';
import type { ResourceMutation } from './types.js';

export interface StepInput {
  tree: JNode;
  /** The object as a Go value: integral numbers are int64 before the first step, float64 after. */
  object: () => unknown;
  firstStep: boolean;
  other: Record<string, unknown> | null;
}

export interface CompiledStep {
  kind: 'delete' | 'regex' | 'template' | 'cel';
  apply(input: StepInput): JNode;
}

/** A failure with the Go agent's error text and the sub-field it concerns. */
export class StepError extends Error {
  readonly field: string;
  readonly position: { line?: number; col?: number } | undefined;
  constructor(field: string, message: string, position?: { line?: number; col?: number }) {
    super(message);
    this.field = field;
    this.position = position;
  }
}

function deleteStep(path: string): CompiledStep {
  return {
    kind: 'delete',
    apply({ tree }) {
      try {
        return deletePath(tree, path);
      } catch (e) {
        throw new StepError('path', `failed to delete value @ ${path}: ${(e as Error).message}`);
      }
    },
  };
}

function regexStep(path: string, pattern: string, replacement: string): CompiledStep {
  let re: GoRegexp | undefined;
  if (pattern !== '') {
    try {
      re = GoRegexp.compile(pattern);
    } catch (e) {
      const msg = e instanceof GoRegexpSyntaxError ? e.message : String(e);
      throw new StepError('pattern', `invalid pattern ${goQuote(pattern)}: ${msg}`);
    }
  }
  return {
    kind: 'regex',
    apply({ tree }) {
      const value = re ? re.replaceAllString(getPath(tree, path).string(), replacement) : replacement;
      try {
        return setPath(tree, path, value);
      } catch (e) {
        throw new StepError('path', (e as Error).message);
      }
    },
  };
}

const RESULT_TYPE_ORDER = ['Null', 'False', 'Number', 'String', 'True', 'JSON'];

/** A Go method with declared parameter types, so calls are checked like Go's reflect calls. */
function method(params: ParamType[], f: (...args: any[]) => unknown): GoMethod {
  return Object.assign((...args: unknown[]) => f(...args), { def: fn(params, f) });
}

/**
 * gjson.Result as a template value: fields Raw, Str, Num, Type, Index, Indexes and gjson's methods
 * (String, Int, Uint, Float, Bool, Exists, Value, IsArray, IsObject, IsBool, Get, Array, Map, Time,
 * Less). Results returned by Get, Array and Map are Results again.
 */
function resultStruct(r: Result, at?: { index: number; indexes: number[] }): GoStruct {
  const type = new GoStruct({}, 'gjson.Type', { String: () => r.type });
  return new GoStruct(
    {
      Type: type,
      Raw: r.raw,
      Str: r.str,
      Num: r.num,
      Index: new GoInt(BigInt(at?.index ?? 0)),
      Indexes: (at?.indexes ?? []).map((i) => new GoInt(BigInt(i))),
    },
    'gjson.Result',
    {
      String: () => r.string(),
      Int: () => r.int(),
      Uint: () => new GoInt(resultUint(r), 'uint64'),
      Float: () => r.float(),
      Bool: () => r.bool(),
      Exists: () => r.exists(),
      Value: () => r.value(),
      IsArray: () => r.isArray(),
      IsObject: () => r.isObject(),
      IsBool: () => r.type === 'True' || r.type === 'False',
      Get: method(['string'], (path: string) =>
        resultStruct(r.node ? getPath(r.node, path) : Result.missing),
      ),
      Array: () => resultArray(r).map((x) => resultStruct(x)),
      Map: () => {
        const m: Record<string, unknown> = {};
        const n = r.node;
        if (n?.t === 'obj') n.keys.forEach((k, i) => (m[k] = resultStruct(new Result(n.vals[i]))));
        return m;
      },
      Time: () => resultTime(r),
      Less: method(['any', 'bool'], (token: unknown, caseSensitive: boolean) => {
        const t = token instanceof GoStruct && token.typeName === 'gjson.Result' ? token : null;
        if (!t) throw new Error('wrong type for value; expected gjson.Result');
        return resultLess(r, t, caseSensitive);
      }),
    },
  );
}

/** Result.Array(): nothing for null/missing, the elements of an array, the value itself otherwise. */
function resultArray(r: Result): Result[] {
  const n = r.node;
  if (!n || n.t === 'null') return [];
  if (n.t === 'arr') return n.items.map((x) => new Result(x));
  return [r];
}

/** Result.Uint() */
function resultUint(r: Result): bigint {
  const n = r.node;
  if (!n) return 0n;
  if (n.t === 'true') return 1n;
  if (n.t === 'str') {
    const m = /^[0-9]+/.exec(n.str);
    return m && n.str.length === m[0].length ? BigInt.asUintN(64, BigInt(m[0])) : 0n;
  }
  if (n.t === 'num') {
    const f = r.num;
    if (Number.isSafeInteger(f) && f >= 0) return BigInt(f);
    if (/^[0-9]+$/.test(n.raw)) return BigInt.asUintN(64, BigInt(n.raw));
    if (!Number.isFinite(f)) return 1n << 63n;
    return f < 0
      ? BigInt.asUintN(64, BigInt(Math.trunc(f)))
      : f >= 2 ** 64
        ? 1n << 63n
        : BigInt(Math.trunc(f));
  }
  return 0n;
}

/** Result.Time(): time.Parse(time.RFC3339, String()), Go's zero time on failure. */
function resultTime(r: Result): GoTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(
    r.string(),
  );
  const zero = new GoTime(-62135596800n * 1_000_000_000n);
  if (!m) return zero;
  const [, y, mo, d, h, mi, sec, frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return zero;
  const offset =
    zone === 'Z' || zone === 'z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  const ns =
    BigInt(ms) * 1_000_000n +
    BigInt((frac.slice(1) + '000000000').slice(0, 9)) -
    BigInt(offset) * 1_000_000_000n;
  return new GoTime(ns, offset, offset === 0 ? 'UTC' : '');
}

/** Result.Less(token, caseSensitive) */
function resultLess(r: Result, token: GoStruct, caseSensitive: boolean): boolean {
  const tt = String((token.fields.Type as GoStruct).methods.String!());
  const a = RESULT_TYPE_ORDER.indexOf(r.type);
  const b = RESULT_TYPE_ORDER.indexOf(tt);
  if (a !== b) return a < b;
  if (r.type === 'String') {
    const x = r.str;
    const y = token.fields.Str as string;
    return caseSensitive
      ? compareGoStrings(x, y) < 0
      : compareGoStrings(x.toLowerCase(), y.toLowerCase()) < 0;
  }
  if (r.type === 'Number') return r.num < (token.fields.Num as number);
  return compareGoStrings(r.raw, token.fields.Raw as string) < 0;
}

function templateStep(path: string, text: string): CompiledStep {
  let tpl: ReturnType<typeof compileTemplate>;
  try {
    tpl = compileTemplate(text, { html: true, funcs: 'sprig', name: 'mutation' });
  } catch (e) {
    const te = e as TemplateError;
    throw new StepError('template', `failed to parse template ${goQuote(text)}: ${te.message}`, pos(te));
  }
  const wantsIndex = text.includes('Index');
  return {
    kind: 'template',
    apply({ tree, object, other }) {
      const ctx = new GoStruct(
        {
          // byte offsets cost a walk of the document: only when the template can reach them
          Value: resultStruct(getPath(tree, path), wantsIndex ? resultIndexes(tree, path) : undefined),
          LocalObject: object(),
          RemoteObject: other === null ? null : jsonToGoValue(other),
        },
        'transformer.templateMutationContext',
      );
      let out: string;
      try {
        out = goTrimSpace(tpl.execute(ctx));
      } catch (e) {
        const te = e as TemplateError;
        throw new StepError('template', `failed to execute template: ${te.message}`, pos(te));
      }
      try {
        return setPath(tree, path, out);
      } catch (e) {
        throw new StepError('path', `failed to set updated value: ${(e as Error).message}`);
      }
    },
  };
}

function pos(e: unknown): { line?: number; col?: number } | undefined {
  if (!(e instanceof TemplateError)) return undefined;
  const p: { line?: number; col?: number } = {};
  if (e.line !== undefined) p.line = e.line;
  if (e.col !== undefined) p.col = e.col;
  return p;
}

function celStep(path: string, expression: string): CompiledStep {
  let prg: ReturnType<typeof compileCel>;
  try {
    prg = compileCel(expression);
  } catch (e) {
    const msg = e instanceof CelCompileError ? e.message : String(e);
    throw new StepError('expression', `failed to compile CEL expression: ${msg}`);
  }
  return {
    kind: 'cel',
    apply({ tree, object, firstStep, other }) {
      let out: unknown;
      try {
        out = prg.eval({
          value: toCelInput(getPath(tree, path).value(), false),
          self: toCelInput(object(), firstStep),
          other: other === null ? null : toCelInput(other, true),
        });
      } catch (e) {
        throw new StepError('expression', `failed to evaluate CEL expression: ${(e as Error).message}`);
      }
      try {
        return setRawPath(tree, path, parseJson(celResultToJson(out)));
      } catch (e) {
        throw new StepError('path', `failed to set updated value: ${(e as Error).message}`);
      }
    },
  };
}

/** Compiles one list item; the first set mechanism wins in the order delete, regex, template, cel. */
export function compileStep(m: ResourceMutation): { step: CompiledStep; field: string } {
  if (m.delete) return { step: deleteStep(m.delete.path ?? ''), field: 'delete' };
  if (m.regex) {
    try {
      return {
        step: regexStep(m.regex.path ?? '', m.regex.pattern ?? '', m.regex.replacement ?? ''),
        field: 'regex',
      };
    } catch (e) {
      if (e instanceof StepError) throw new StepError(`regex.${e.field}`, e.message, e.position);
      throw e;
    }
  }
  if (m.template) {
    try {
      return { step: templateStep(m.template.path ?? '', m.template.template ?? ''), field: 'template' };
    } catch (e) {
      if (e instanceof StepError) throw new StepError(`template.${e.field}`, e.message, e.position);
      throw e;
    }
  }
  if (m.cel) {
    try {
      return { step: celStep(m.cel.path ?? '', m.cel.expression ?? ''), field: 'cel' };
    } catch (e) {
      if (e instanceof StepError) throw new StepError(`cel.${e.field}`, e.message, e.position);
      throw e;
    }
  }
  throw new StepError('', 'no valid mutation mechanism provided');
}
