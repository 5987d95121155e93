/** Executor for parsed Go templates: walks the tree with Go's evaluation rules (text/template/exec.go). */
import { TemplateError } from './errors.js';
import type { HtmlPlan } from './htmlcontext.js';
import { escapeInContext } from './htmlescape.js';
import { formatValue, sprint, stringerOf } from './fmt.js';
import { FuncError, type FuncDef, type FuncMap, type ParamType, canBeNil, goTypeName } from './funcs.js';
import { timeMethod } from './timemethods.js';
import {
  type Arg,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type ListNode,
  type Node,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
  nodeString,
  type AnyNode,
} from './parse.js';
import {
  GoBytes,
  GoDuration,
  GoFunc,
  GoInt,
  GoStruct,
  GoTime,
  NO_VALUE,
  hasKey,
  intValue,
  isIntValue,
  isMap,
  elemType,
  typeOf,
} from './value.js';

/** A value plus whether its static type is an empty interface (map/slice elements are). */
interface V {
  v: unknown;
  iface: boolean;
}

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

export interface ExecOptions {
  html: boolean;
  htmlPlan?: HtmlPlan;
  maxSteps: number;
  maxOutputBytes: number;
}

const MAX_DEPTH = 100000;

/** Go's truth: false, 0, nil, empty string/slice/map are false. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined || v === NO_VALUE) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
  }
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoDuration) return v.ns !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoBytes) return v.b.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** html/template's escaper for values interpolated in HTML text context. */
export function htmlTextEscape(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => HTML_REPL[c]!);
}
const HTML_REPL: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};

/** html/template's stringify: untyped nil arguments are skipped, Stringers are called. */
function htmlStringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || v === NO_VALUE) return '';
  const s = stringerOf(v);
  if (s) return s();
  return sprint([v]);
}

export class Executor {
  private out: string[] = [];
  private outLen = 0;
  private steps = 0;
  private vars: { name: string; v: V }[] = [];
  private node: AnyNode | null = null;
  private tmplName: string;
  private depth = 0;

  private readonly trees: Map<string, Tree>;
  private readonly funcs: FuncMap;
  private readonly text: string;
  private readonly parseName: string;
  private readonly opts: ExecOptions;

  constructor(trees: Map<string, Tree>, funcs: FuncMap, text: string, parseName: string, opts: ExecOptions) {
    this.trees = trees;
    this.funcs = funcs;
    this.text = text;
    this.parseName = parseName;
    this.opts = opts;
    this.tmplName = parseName;
  }

  execute(name: string, data: unknown): string {
    const tree = this.trees.get(name);
    if (!tree)
      throw new TemplateError(
        'exec',
        this.parseName,
        `template: ${name}: "${name}" is an incomplete or empty template`,
      );
    const dot: V = { v: data === undefined ? null : data, iface: false };
    if (dot.v === null) dot.v = NO_VALUE;
    this.vars = [{ name: '$', v: dot }];
    const planError = this.opts.htmlPlan?.error;
    // a misplaced predefined escaper is reported before any context error (html/template checks
    // actions for it first)
    if (planError && !planError.ambiguousUrl) {
      const [line, col] = this.locate(planError.action.pos);
      throw new TemplateError(
        'exec',
        this.parseName,
        `html/template:${this.parseName}:${line}:${col}: predefined escaper ${JSON.stringify(planError.escaper)} disallowed in template`,
        line,
        col,
      );
    }
    const endContext = this.opts.htmlPlan?.endContext;
    if (endContext)
      throw new TemplateError(
        'exec',
        this.parseName,
        `html/template:${this.parseName}: ends in a non-text context: ${endContext}`,
      );
    const contextError = this.opts.htmlPlan?.contextError;
    if (contextError)
      throw new TemplateError('exec', this.parseName, `html/template:${this.parseName}: ${contextError}`);
    if (planError?.ambiguousUrl) {
      const [line, col] = this.locate(planError.action.pos);
      throw new TemplateError(
        'exec',
        this.parseName,
        `html/template:${this.parseName}:${line}:${col}: ${nodeString(planError.action)} appears in an ambiguous context within a URL`,
        line,
        col,
      );
    }
    this.walk(dot, tree.root);
    return this.out.join('');
  }

  // ---- errors ----

  private errorf(msg: string): never {
    const n = this.node;
    if (!n) throw new TemplateError('exec', this.parseName, `template: ${this.tmplName}: ${msg}`);
    const [line, col] = this.locate(n.pos);
    throw new TemplateError(
      'exec',
      this.parseName,
      `template: ${this.parseName}:${line}:${col}: executing ${JSON.stringify(this.tmplName)} at <${nodeString(n)}>: ${msg}`,
      line,
      col,
    );
  }

  /** Go's ErrorContext: 1-based line and 0-based byte column of a position. */
  private locate(pos: number): [number, number] {
    const before = this.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    return [line, Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), 'utf8')];
  }

  private at(n: AnyNode): void {
    this.node = n;
  }

  private step(): void {
    if (++this.steps > this.opts.maxSteps)
      this.errorf(`template execution exceeded the limit of ${this.opts.maxSteps} steps`);
  }

  private write(s: string): void {
    if (s.length === 0) return;
    this.outLen += s.length;
    if (this.outLen > this.opts.maxOutputBytes)
      this.errorf(`template output exceeded the limit of ${this.opts.maxOutputBytes} bytes`);
    this.out.push(s);
  }

  // ---- variables ----

  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private push(name: string, v: V): void {
    this.vars.push({ name, v });
  }
  private setVar(name: string, v: V): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.v = v;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, v: V): void {
    this.vars[this.vars.length - n]!.v = v;
  }
  private varValue(name: string): V {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.v;
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  private walk(dot: V, node: Node): void {
    this.at(node);
    this.step();
    switch (node.type) {
      case 'action': {
        const plan = this.opts.htmlPlan;
        if (plan?.suppressed.has(node)) return;
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          if (plan?.preEscaped.has(node)) {
            const out = typeof val.v === 'string' ? val.v : formatValue(val.v);
            const ctx = plan.escapeAfterHtml.has(node) ? plan.contexts.get(node) : undefined;
            this.write(ctx ? escapeInContext(ctx, out, out, false) : out);
          } else this.printValue(node, val.v);
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with': {
        const mark = this.mark();
        const val = this.evalPipeline(dot, node.pipe);
        if (isTrue(val.v)) {
          this.walk(node.type === 'with' ? val : dot, node.list);
        } else if (node.elseList) {
          this.walk(dot, node.elseList);
        }
        this.pop(mark);
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.write(node.text);
        return;
    }
  }

  private printValue(node: AnyNode, v: unknown): void {
    this.at(node);
    if (this.opts.html) {
      const ctx = node.type === 'action' ? this.opts.htmlPlan?.contexts.get(node) : undefined;
      const printed = htmlStringify(v);
      this.write(ctx ? escapeInContext(ctx, v, printed, stringerOf(v) !== null) : htmlTextEscape(printed));
      return;
    }
    if (v === NO_VALUE) {
      this.write('<no value>');
      return;
    }
    if (v instanceof GoFunc) this.errorf(`can't print ${nodeString(node)} of type ${v.typeName}`);
    this.write(formatValue(v));
  }

  private walkRange(dot: V, r: RangeNode): void {
    this.at(r);
    const outer = this.mark();
    const val = this.evalPipeline(dot, r.pipe).v;
    const mark = this.mark();
    const decl = r.pipe.decl;
    const oneIteration = (index: V, elem: V): boolean => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) {
          if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index);
          else this.setVar(decl[0]!.ident[0]!, elem);
        } else this.setTopVar(1, elem);
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.setTopVar(2, index);
      }
      try {
        this.walk(elem, r.list);
      } catch (e) {
        if (e === BREAK) {
          this.pop(mark);
          return false;
        }
        if (e !== CONTINUE) throw e;
      }
      this.pop(mark);
      return true;
    };
    let ran = false;
    if (Array.isArray(val)) {
      const iface = elemType(val) === undefined;
      for (let i = 0; i < val.length; i++) {
        ran = true;
        if (!oneIteration({ v: new GoInt(BigInt(i)), iface: false }, { v: val[i] ?? null, iface })) break;
      }
    } else if (isIntValue(val)) {
      if (decl.length > 1)
        this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
      const n = intValue(val);
      for (let i = 0n; i < n; i++) {
        ran = true;
        const e = typeof val === 'bigint' ? i : new GoInt(i, val.t);
        if (!oneIteration({ v: NO_VALUE, iface: false }, { v: e, iface: false })) break;
      }
    } else if (isMap(val)) {
      const keys = Object.keys(val).sort(compareStrings);
      for (const k of keys) {
        ran = true;
        if (!oneIteration({ v: k, iface: false }, { v: val[k] ?? null, iface: elemType(val) === undefined }))
          break;
      }
    } else if (val === NO_VALUE || val === null) {
      // an invalid value (nil map, missing key) is not an error
    } else if (val instanceof GoBytes) {
      for (let i = 0; i < val.b.length; i++) {
        ran = true;
        if (
          !oneIteration(
            { v: new GoInt(BigInt(i)), iface: false },
            { v: new GoInt(BigInt(val.b[i]!), 'uint8'), iface: false },
          )
        )
          break;
      }
    } else {
      this.errorf(`range can't iterate over ${formatValue(val)}`);
    }
    if (!ran && r.elseList) this.walk(dot, r.elseList);
    this.pop(outer);
  }

  private walkTemplate(dot: V, t: TemplateNode): void {
    this.at(t);
    const tree = this.trees.get(t.name);
    if (!tree) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot: V = t.pipe ? this.evalPipeline(dot, t.pipe) : { v: NO_VALUE, iface: false };
    const savedVars = this.vars;
    const savedName = this.tmplName;
    this.vars = [{ name: '$', v: newDot }];
    this.tmplName = t.name;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } catch (e) {
      // JS runs out of stack long before Go's depth limit; report runaway recursion the way Go does
      if (e instanceof RangeError) {
        this.at(t);
        this.tmplName = savedName;
        this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
      }
      throw e;
    } finally {
      this.depth--;
      this.vars = savedVars;
      this.tmplName = savedName;
    }
  }

  // ---- evaluation ----

  private evalPipeline(dot: V, pipe: PipeNode): V {
    this.at(pipe);
    let value: V | null = null;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // interface values are unwrapped: a nil interface becomes an invalid value
      if (value.iface || value.v === null || value.v === undefined)
        value = { v: value.v === null || value.v === undefined ? NO_VALUE : value.v, iface: false };
    }
    const result = value ?? { v: NO_VALUE, iface: false };
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, result);
      else this.push(variable.ident[0]!, result);
    }
    return result;
  }

  private notAFunction(args: Arg[], final: V | null): void {
    if (args.length > 1 || final !== null)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: V, cmd: CommandNode, final: V | null): V {
    this.step();
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first.ident, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return { v: first.value, iface: false };
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return { v: this.idealConstant(first), iface: false };
      case 'string':
        return { v: first.text, iface: false };
    }
    this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private idealConstant(n: Extract<Arg, { type: 'number' }>): unknown {
    this.at(n);
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float64;
    if (n.isInt) return new GoInt(n.int64, 'int');
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return NO_VALUE;
  }

  private evalFieldNode(dot: V, field: FieldNode, args: Arg[], final: V | null): V {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: V, chain: ChainNode, args: Arg[], final: V | null): V {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: V, variable: VariableNode, args: Arg[], final: V | null): V {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: V,
    receiver: V,
    node: AnyNode,
    ident: string[],
    args: Arg[],
    final: V | null,
  ): V {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, [], null, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private evalField(dot: V, fieldName: string, node: AnyNode, args: Arg[], final: V | null, receiver: V): V {
    const r = receiver.v;
    if (r === NO_VALUE || r === undefined) return { v: NO_VALUE, iface: false };
    const typ = receiver.iface ? 'interface {}' : typeOf(r);
    if (r === null) {
      if (receiver.iface) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
      // a nil map (struct field holding nil)
      return { v: NO_VALUE, iface: false };
    }
    if (r instanceof GoTime) {
      const def = timeMethod(r, fieldName);
      // a method's result has its concrete type (int, time.Month, ...), not interface {}
      if (def) return { v: this.evalCall(dot, def, node, fieldName, args, final).v, iface: false };
    }
    if (r instanceof GoStruct) {
      const m = r.methods[fieldName];
      if (m) {
        // a method may declare its parameter types (see typedMethod in value.ts)
        const def: FuncDef = (m as { def?: FuncDef }).def ?? {
          params: [],
          variadic: 'any',
          fn: (...a: unknown[]) => m(...a),
        };
        return this.evalCall(dot, def, node, fieldName, args, final);
      }
    }
    const hasArgs = args.length > 1 || final !== null;
    if (r instanceof GoStruct) {
      if (r.hasField(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        const v = r.fields[fieldName];
        return { v: v === undefined ? null : v, iface: false };
      }
    } else if (isMap(r)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (hasKey(r, fieldName)) {
        const v = r[fieldName];
        return { v: v === undefined ? null : v, iface: elemType(r) === undefined };
      }
      return { v: NO_VALUE, iface: false };
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(dot: V, name: string, ident: Arg, cmd: CommandNode, args: Arg[], final: V | null): V {
    this.at(ident);
    const def = Object.hasOwn(this.funcs, name) ? this.funcs[name] : undefined;
    if (!def) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, def, cmd, name, args, final);
  }

  private evalCall(dot: V, def: FuncDef, node: AnyNode, name: string, argNodes: Arg[], final: V | null): V {
    const args = argNodes.slice(1);
    let numIn = args.length;
    if (final !== null) numIn++;
    let numFixed = args.length;
    const nParams = def.params.length + (def.variadic ? 1 : 0);
    if (def.variadic) {
      numFixed = def.params.length;
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    if (def.builtin && (name === 'and' || name === 'or')) {
      let v: V = { v: NO_VALUE, iface: false };
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v.v) === (name === 'or')) return v;
      }
      if (final !== null) v = this.validateType(final, 'value');
      return v;
    }
    if (def.builtin && name === 'call') return this.evalBuiltinCall(dot, node, args, final);
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, def.params[i]!, args[i]!).v);
    if (def.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, def.variadic, args[i]!).v);
    if (final !== null) {
      let t: ParamType;
      if (def.variadic) t = numIn - 1 < numFixed ? def.params[numIn - 1]! : def.variadic;
      else t = def.params[nParams - 1]!;
      argv.push(this.validateType(final, t).v);
    }
    let result: unknown;
    try {
      result = def.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.at(node);
      if (e instanceof FuncError || e instanceof Error) this.errorf(`error calling ${name}: ${e.message}`);
      this.errorf(`error calling ${name}: ${String(e)}`);
    }
    return { v: result === undefined ? null : result, iface: true };
  }

  /** Go's builtin call: the callee must be a function value; errors name the callee expression. */
  private evalBuiltinCall(dot: V, node: AnyNode, args: Arg[], final: V | null): V {
    const argv = args.map((a) => this.evalArg(dot, 'value', a).v);
    if (final !== null) argv.push(this.validateType(final, 'value').v);
    let calleeName: string;
    if (args.length > 0) calleeName = nodeString(args[0]!);
    else {
      const f = final?.v;
      calleeName =
        typeof f === 'string' ? f : f === NO_VALUE || f === null ? '<invalid Value>' : `<${typeOf(f)} Value>`;
    }
    const callee = argv[0];
    this.at(node);
    if (callee === null || callee === NO_VALUE || callee === undefined)
      this.errorf('error calling call: call of nil');
    if (!(callee instanceof GoFunc))
      this.errorf(`error calling call: non-function ${calleeName} of type ${typeOf(callee)}`);
    try {
      return { v: callee.fn(...argv.slice(1)) ?? null, iface: true };
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.errorf(`error calling call: ${(e as Error).message}`);
    }
  }

  private evalArg(dot: V, t: ParamType | null, n: Arg): V {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (t === null || canBeNil(t)) return { v: t === 'value' ? NO_VALUE : null, iface: false };
        this.errorf(`cannot assign nil to ${goTypeName(t)}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], null), t);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], null), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(
          this.evalFunction(dot, n.ident, n, { type: 'command', pos: n.pos, args: [n] }, [n], null),
          t,
        );
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], null), t);
    }
    switch (t) {
      case 'bool':
        if (n.type === 'bool') return { v: n.value, iface: false };
        this.errorf(`expected bool; found ${nodeString(n)}`);
        break;
      case 'float64':
        if (n.type === 'number' && n.isFloat) return { v: n.float64, iface: false };
        this.errorf(`expected float; found ${nodeString(n)}`);
        break;
      case 'int':
      case 'int64':
      case 'uint32':
        if (n.type === 'number' && n.isInt) {
          if (t === 'int64') return { v: n.int64, iface: false };
          return { v: new GoInt(n.int64, t === 'uint32' ? 'uint32' : 'int'), iface: false };
        }
        this.errorf(`expected integer; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.type === 'string') return { v: n.text, iface: false };
        this.errorf(`expected string; found ${nodeString(n)}`);
        break;
      case 'any':
      case 'value':
      case null:
        return { v: this.evalEmptyInterface(n), iface: false };
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${goTypeName(t)}`);
  }

  private evalEmptyInterface(n: Arg): unknown {
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private validateType(value: V, t: ParamType | null): V {
    const v = value.v;
    if (v === NO_VALUE || v === undefined) {
      if (t === null || t === 'any') return { v: null, iface: false };
      if (canBeNil(t)) return { v: t === 'value' ? NO_VALUE : null, iface: false };
      this.errorf(`invalid value; expected ${goTypeName(t)}`);
    }
    if (t === null || t === 'any' || t === 'value') return value;
    if (assignable(v, t)) return { v, iface: false };
    if (v === null && !value.iface && canBeNil(t)) return { v, iface: false };
    this.errorf(
      `wrong type for value; expected ${goTypeName(t)}; got ${v === null ? 'interface {}' : typeOf(v)}`,
    );
  }
}

function assignable(v: unknown, t: ParamType): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return v instanceof GoInt && v.t === 'int';
    case 'uint32':
      return v instanceof GoInt && v.t === 'uint32';
    case 'int64':
      return typeof v === 'bigint';
    case 'float64':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'slice':
      return Array.isArray(v) && elemType(v) === undefined;
    case 'strings':
      return Array.isArray(v) && elemType(v) === 'string';
    case 'map':
      return isMap(v) && elemType(v) === undefined;
    default:
      return true;
  }
}

function compareStrings(a: string, b: string): number {
  // Go sorts string keys by bytes; UTF-16 order differs only for astral vs. high BMP characters
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { ListNode };
