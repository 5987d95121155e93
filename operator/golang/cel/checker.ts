/**
 * A type checker for CEL expressions shaped like cel-go's: the standard library's overloads, the
 * three `dyn` variables `self`, `other` and `value`, aggregate literals of mixed element types typed
 * as `dyn` (cel-go's default), and errors in cel-go's wording and format
 * (`ERROR: <input>:1:3: found no matching overload for '_==_' applied to '(int, double)'` followed by
 * the source line and a caret). @bufbuild/cel only fails when evaluating; the Go agent rejects these
 * expressions when the PublishedResource is loaded, so the agent does too.
 */

import { childrenOf } from './ast.js';
import { NARROWED_CONVERSIONS, runtimeNameOfChecked } from './narrowed-conversions.js';
import { FUNCTIONS, TYPE_IDENTS, VARIABLES } from './stdlib.js';
import {
  BOOL,
  BYTES,
  DOUBLE,
  NULL,
  STRING,
  UINT,
  DYN,
  ERROR,
  INT,
  declVars,
  formatType,
  isDyn,
  isDynOrError,
  list,
  map,
  mostGeneral,
  sameType,
  substitute,
  tryAgree,
  typeVar,
  type Bindings,
  type CelT,
} from './types.js';

export { formatType, type CelT } from './types.js';

export interface CheckIssue {
  offset: number;
  message: string;
}

/** Expression ids -> offsets, as @bufbuild/cel's parser records them. */
type Positions = Record<string, number>;

type Expr = any;

class Checker {
  readonly issues: CheckIssue[] = [];
  /** conversion calls cel-go narrows -> the runtime type their argument must have (narrowed-conversions.ts) */
  readonly narrowedConversions = new Map<bigint, string>();
  /** what the type variables met so far stand for */
  private bindings: Bindings = new Map();
  /** type variables are numbered in the order they are created, as cel-go names them */
  private nextVar = 0;
  /**
   * cel-go's checker leaves out the comparisons across numeric types (`1 < 2.5`) until it enters
   * the scope of a comprehension (a macro such as map or all): the scoped environment it creates
   * there no longer filters them, and the rest of the expression is checked with them.
   */
  private crossNumeric = false;
  private readonly src: string;
  private readonly positions: Positions;
  constructor(src: string, positions: Positions) {
    this.src = src;
    this.positions = positions;
  }

  private pos(e: Expr): number {
    return this.positions[String(e.id)] ?? 0;
  }

  private skipSpace(i: number): number {
    while (i < this.src.length && /\s/.test(this.src[i]!)) i++;
    return i;
  }

  /** Where cel-go locates a call: the operator, the `?`, or the `(` of a function call. */
  private callOffset(e: Expr, fn: string, hasTarget: boolean): number {
    const p = this.pos(e);
    if (fn === '_&&_' || fn === '_||_') {
      // recorded at the start of the left operand: find the operator before the right one
      const rhs = e.exprKind.value.args?.[1];
      let i = rhs ? this.exprStart(rhs) - 1 : p;
      while (i > 0 && (/\s/.test(this.src[i]!) || this.src[i] === '(')) i--;
      return i > 0 && (this.src.slice(i - 1, i + 1) === '&&' || this.src.slice(i - 1, i + 1) === '||')
        ? i - 1
        : p;
    }
    if (/^_.+_$/.test(fn) && fn !== '_?_:_' && fn !== '_[_]') return this.skipSpace(p); // binary: after lhs
    if (fn === '@in') return this.skipSpace(p);
    if (fn === '_?_:_') {
      // the first `?` outside strings and brackets after the start of the condition
      let depth = 0;
      for (let i = p; i < this.src.length; i++) {
        const c = this.src[i]!;
        if (c === '"' || c === "'") {
          for (i++; i < this.src.length && this.src[i] !== c; i++) if (this.src[i] === '\\') i++;
        } else if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') depth--;
        else if (c === '?' && depth === 0) return i;
      }
      return p;
    }
    if (fn === '_[_]') return p;
    if (fn === '!_' || fn === '-_') return this.skipSpace(p);
    // a function or method call: the position of its opening parenthesis
    let i = p;
    if (hasTarget && this.src[i] === '.') i++;
    i = this.skipSpace(i);
    while (i < this.src.length && /[\w.]/.test(this.src[i]!)) i++;
    i = this.skipSpace(i);
    return this.src[i] === '(' ? i : p;
  }

  private error(offset: number, message: string): CelT {
    this.issues.push({ offset, message });
    return ERROR;
  }

  private freshVar(): CelT {
    return typeVar(`_var${this.nextVar++}`);
  }

  /** Agrees t1 with t2 (see types.ts), keeping the bindings only when they agree. */
  private agree(t1: CelT, t2: CelT): boolean {
    const b = tryAgree(this.bindings, [t1], [t2]);
    if (b) this.bindings = b;
    return !!b;
  }

  /** The type of an aggregate literal's elements so far, joined with the next element's. */
  private join(prev: CelT | undefined, cur: CelT): CelT {
    if (!prev) return cur;
    // elements of different types make a list or map of dyn (cel-go's option the agent enables)
    return this.agree(prev, cur) ? mostGeneral(prev, cur) : DYN;
  }

  check(e: Expr, scope: Map<string, CelT>): CelT {
    const k = e?.exprKind;
    if (!k) return DYN;
    switch (k.case) {
      case 'constExpr':
        return this.constType(k.value.constantKind?.case);
      case 'identExpr': {
        const name: string = k.value.name;
        const t = scope.get(name) ?? VARIABLES[name] ?? TYPE_IDENTS[name];
        if (t) return t;
        return this.error(this.pos(e), `undeclared reference to '${name}' (in container '')`);
      }
      case 'selectExpr':
        return this.select(e, scope);
      case 'listExpr': {
        let elem: CelT | undefined;
        for (const el of k.value.elements ?? []) elem = this.join(elem, this.check(el, scope));
        return list(elem ?? this.freshVar());
      }
      case 'structExpr': {
        let key: CelT | undefined;
        let val: CelT | undefined;
        for (const en of k.value.entries ?? []) {
          if (en.keyKind?.case === 'mapKey') key = this.join(key, this.check(en.keyKind.value, scope));
          val = this.join(val, this.check(en.value, scope));
        }
        if (!key) return map(this.freshVar(), this.freshVar());
        return map(key, val ?? DYN);
      }
      case 'comprehensionExpr':
        return this.comprehension(e, scope);
      case 'callExpr':
        return this.call(e, scope);
      default:
        return DYN;
    }
  }

  /** `x.f` on a map or dyn is the value type or dyn; anything else is reported and taken as dyn. */
  private select(e: Expr, scope: Map<string, CelT>): CelT {
    const v = e.exprKind.value;
    const operand = substitute(this.bindings, this.check(v.operand, scope), false);
    let result: CelT = DYN;
    if (operand.k === 'map') result = operand.val;
    else if (operand.k === 'var') this.agree(DYN, operand);
    else if (!isDynOrError(operand))
      this.error(this.exprOffset(e), `type '${formatType(operand)}' does not support field selection`);
    if (v.testOnly) result = BOOL;
    return substitute(this.bindings, result, false);
  }

  private constType(c: string | undefined): CelT {
    switch (c) {
      case 'int64Value':
        return INT;
      case 'uint64Value':
        return UINT;
      case 'doubleValue':
        return DOUBLE;
      case 'stringValue':
        return STRING;
      case 'bytesValue':
        return BYTES;
      case 'boolValue':
        return BOOL;
      case 'nullValue':
        return NULL;
      default:
        return DYN;
    }
  }

  private comprehension(e: Expr, scope: Map<string, CelT>): CelT {
    const c = e.exprKind.value;
    const rangeRaw = this.check(c.iterRange, scope);
    const accu = this.check(c.accuInit, scope);
    const range = substitute(this.bindings, rangeRaw, false);
    let iterType: CelT;
    let iterType2: CelT;
    if (range.k === 'list') {
      iterType = c.iterVar2 ? INT : range.e;
      iterType2 = range.e;
    } else if (range.k === 'map') {
      iterType = range.key;
      iterType2 = range.val;
    } else if (isDynOrError(range) || range.k === 'var') {
      this.agree(DYN, range);
      iterType = DYN;
      iterType2 = DYN;
    } else {
      this.error(
        this.exprOffset(c.iterRange),
        `expression of type '${formatType(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
      iterType = ERROR;
      iterType2 = ERROR;
    }
    this.crossNumeric = true;
    const withAccu = new Map(scope);
    withAccu.set(c.accuVar, accu);
    const inner = new Map(withAccu);
    inner.set(c.iterVar, iterType);
    if (c.iterVar2) inner.set(c.iterVar2, iterType2);
    this.assertType(c.loopCondition, BOOL, this.check(c.loopCondition, inner));
    this.assertType(c.loopStep, accu, this.check(c.loopStep, inner));
    return substitute(this.bindings, this.check(c.result, withAccu), false);
  }

  private assertType(e: Expr, expected: CelT, actual: CelT): void {
    if (!this.agree(expected, actual))
      this.error(
        this.exprOffset(e),
        `expected type '${formatType(expected)}' but found '${formatType(actual)}'`,
      );
  }

  /** The offset where an expression's text begins. */
  exprStart(e: Expr): number {
    const k = e?.exprKind;
    if (k?.case === 'callExpr') {
      const fn: string = k.value.function;
      if (k.value.target) return this.exprStart(k.value.target);
      // operators and indexes (`_[_]`) start with their first operand
      if (/^_.+_$/.test(fn) || fn === '_[_]' || fn === '@in') return this.exprStart(k.value.args?.[0]);
      return this.pos(e);
    }
    // has(x.f) starts at `has`
    if (k?.case === 'selectExpr') return k.value.testOnly ? this.pos(e) : this.exprStart(k.value.operand);
    if (k?.case === 'comprehensionExpr') return this.exprStart(k.value.iterRange);
    return this.pos(e);
  }

  /** Where cel-go locates an expression: calls at their operator or parenthesis, others at their start. */
  exprOffset(e: Expr): number {
    const k = e?.exprKind;
    if (k?.case === 'callExpr') return this.callOffset(e, k.value.function, !!k.value.target);
    if (k?.case === 'comprehensionExpr') return this.callOffset(e, 'macro', true);
    // has(x.f) is located at the macro's parenthesis
    if (k?.case === 'selectExpr' && k.value.testOnly) return this.callOffset(e, 'has', false);
    return this.pos(e);
  }

  private call(e: Expr, scope: Map<string, CelT>): CelT {
    const v = e.exprKind.value;
    const fn: string = v.function;
    const target = v.target;
    const args: Expr[] = v.args ?? [];
    // cel-go checks the arguments before the target
    const argTypes = args.map((a) => this.check(a, scope));
    const targetType = target ? this.check(target, scope) : undefined;
    const overloads = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn]! : undefined;
    if (!overloads)
      return this.error(
        this.callOffset(e, fn, !!target),
        `undeclared reference to '${fn}' (in container '')`,
      );
    if (fn === '_&&_' || fn === '_||_') {
      let ok = true;
      argTypes.forEach((t, i) => {
        if (this.agree(t, BOOL)) return;
        this.error(this.exprOffset(args[i]), `expected type 'bool' but found '${formatType(t)}'`);
        ok = false;
      });
      return ok ? BOOL : ERROR;
    }
    const types = targetType ? [targetType, ...argTypes] : argTypes;
    // a conversion of anything but dyn keeps only one overload at runtime; an open type variable
    // is bound by the first overload tried, the identity
    const argType = args.length === 1 && !target ? substitute(this.bindings, argTypes[0]!, false) : DYN;
    const narrowedTo =
      !Object.hasOwn(NARROWED_CONVERSIONS, fn) || isDynOrError(argType)
        ? undefined
        : argType.k === 'var'
          ? NARROWED_CONVERSIONS[fn]!
          : runtimeNameOfChecked(formatType(argType));
    let result: CelT | undefined;
    for (const ov of overloads) {
      if (ov.member !== !!target || (ov.crossNumeric && !this.crossNumeric)) continue;
      // each try gets fresh type variables for the overload's own (A, B)
      const fresh = new Map(declVars([...ov.args, ov.result]).map((n) => [n, this.freshVar()] as const));
      const params = ov.args.map((t) => substitute(fresh, t, false));
      const b = tryAgree(this.bindings, types, params);
      if (!b) continue;
      this.bindings = b;
      const r = substitute(this.bindings, substitute(fresh, ov.result, false), false);
      if (!result) result = r;
      else if (!isDyn(result) && !sameType(r, result)) result = DYN;
    }
    if (result) {
      if (narrowedTo !== undefined) this.narrowedConversions.set(BigInt(e.id), narrowedTo);
      return result;
    }
    const shown = types.map((t) => formatType(substitute(this.bindings, t, true)));
    const signature = target ? `${shown[0]}.(${shown.slice(1).join(', ')})` : `(${shown.join(', ')})`;
    return this.error(
      this.callOffset(e, fn, !!target),
      `found no matching overload for '${fn}' applied to '${signature}'`,
    );
  }
}

/** cel-go's error listing: `ERROR: <input>:L:C: msg`, the source line and a caret under column C. */
export function formatIssues(src: string, issues: CheckIssue[]): string {
  const sorted = [...issues].sort((a, b) => a.offset - b.offset);
  return sorted
    .map((i) => {
      const before = src.slice(0, i.offset);
      const line = before.split('\n').length;
      const lineStart = before.lastIndexOf('\n') + 1;
      const col = [...src.slice(lineStart, i.offset)].length;
      const text = src.split('\n')[line - 1] ?? '';
      // cel-go marks each wide (East Asian) character before the column with a full-width dot
      const dots = [...src.slice(lineStart, i.offset)].map((ch) =>
        isWide(ch.codePointAt(0)!) ? '\uff0e' : '.',
      );
      return `ERROR: <input>:${line}:${col + 1}: ${i.message}\n | ${text}\n | ${dots.join('')}^`;
    })
    .join('\n');
}

export interface CheckResult {
  issues: CheckIssue[];
  /** conversion calls -> the runtime type their argument must have (see narrowed-conversions.ts) */
  narrowedConversions: ReadonlyMap<bigint, string>;
}

/** Type-checks a parsed expression; returns the issues (empty when it checks) and the narrowed conversions. */
export function checkCel(
  src: string,
  parsed: { expr?: Expr; sourceInfo?: { positions?: Positions } },
): CheckResult {
  // has() with anything but a field selection is a parse error in cel-go: nothing is type-checked
  const badHas = badHasIssues(src, parsed);
  if (badHas.length) return { issues: badHas, narrowedConversions: new Map() };
  const c = new Checker(src, parsed.sourceInfo?.positions ?? {});
  c.check(parsed.expr, new Map());
  return { issues: c.issues, narrowedConversions: c.narrowedConversions };
}

/** cel-go's parse errors for every has() call whose argument is not a field selection. */
export function badHasIssues(
  src: string,
  parsed: { expr?: Expr; sourceInfo?: { positions?: Positions } },
): CheckIssue[] {
  const c = new Checker(src, parsed.sourceInfo?.positions ?? {});
  return findBadHas(parsed.expr).map((arg) => ({
    offset: c.exprOffset(arg),
    message: 'invalid argument to has() macro',
  }));
}

/** The arguments of the has() calls that are not field selections (left unexpanded by the parser). */
function findBadHas(e: Expr, found: Expr[] = []): Expr[] {
  const k = e?.exprKind;
  if (!k) return found;
  if (k.case === 'callExpr' && k.value.function === 'has' && !k.value.target && k.value.args?.length === 1)
    found.push(k.value.args[0]);
  else for (const kid of childrenOf(e)) findBadHas(kid, found);
  return found;
}

/** East Asian wide and full-width characters. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
