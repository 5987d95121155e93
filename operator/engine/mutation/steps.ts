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
} from '../gjson/index.js';
import { GoRegexp, GoRegexpSyntaxError } from '../regex/index.js';
import { compileCel, toCelInput, celResultToJson, CelCompileError } from '../cel/index.js';
import {
  compileTemplate,
  GoStruct,
  GoInt,
  jsonToGoValue,
  goTrimSpace,
  TemplateError,
} from '../template/index.js';
import { goQuote } from '../gojson/marshal.js';
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

/** gjson.Result as a template value: fields Raw, Str, Num, Type, Index and gjson's methods. */
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
      Float: () => r.float(),
      Bool: () => r.bool(),
      Exists: () => r.exists(),
      Value: () => r.value(),
      IsArray: () => r.isArray(),
      IsObject: () => r.isObject(),
    },
  );
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
