/**
 * A type checker for CEL expressions shaped like cel-go's: the standard library's overloads, the
 * three `dyn` variables `self`, `other` and `value`, aggregate literals of mixed element types typed
 * as `dyn` (cel-go's default), and errors in cel-go's wording and format
 * (`ERROR: <input>:1:3: found no matching overload for '_==_' applied to '(int, double)'` followed by
 * the source line and a caret). @bufbuild/cel only fails when evaluating; the Go agent rejects these
 * expressions when the PublishedResource is loaded, so the agent does too.
 */

export type CelT =
  | { k: 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'bool' | 'null' | 'dyn' | 'error' }
  | { k: 'timestamp' | 'duration' }
  | { k: 'list'; e: CelT }
  | { k: 'map'; key: CelT; val: CelT }
  | { k: 'type'; t: CelT }
  | { k: 'param'; name: string };

const P = (k: 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'bool' | 'null' | 'dyn' | 'error'): CelT => ({
  k,
});
const INT = P('int');
const UINT = P('uint');
const DOUBLE = P('double');
const STRING = P('string');
const BYTES = P('bytes');
const BOOL = P('bool');
const NULL = P('null');
const DYN = P('dyn');
const ERROR = P('error');
const TIMESTAMP: CelT = { k: 'timestamp' };
const DURATION: CelT = { k: 'duration' };
const A: CelT = { k: 'param', name: 'A' };
const B: CelT = { k: 'param', name: 'B' };
const list = (e: CelT): CelT => ({ k: 'list', e });
const map = (key: CelT, val: CelT): CelT => ({ k: 'map', key, val });
const typeOf = (t: CelT): CelT => ({ k: 'type', t });

/** cel-go's FormatCELType. */
export function formatType(t: CelT): string {
  switch (t.k) {
    case 'list':
      return `list(${formatType(t.e)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.val)})`;
    case 'type':
      return `type(${formatType(t.t)})`;
    case 'param':
      return t.name;
    case 'error':
      return '!error!';
    default:
      return t.k;
  }
}

interface Overload {
  args: CelT[];
  result: CelT;
}
const o = (args: CelT[], result: CelT): Overload => ({ args, result });

const NUMS = [INT, UINT, DOUBLE];
const ORDERED = [BOOL, INT, UINT, DOUBLE, STRING, BYTES, TIMESTAMP, DURATION];
const compare = ORDERED.map((t) => o([t, t], BOOL));
const timeGetters = (withDuration: boolean): { fn: Overload[]; method: Overload[] } => ({
  fn: [],
  method: [o([TIMESTAMP], INT), o([TIMESTAMP, STRING], INT), ...(withDuration ? [o([DURATION], INT)] : [])],
});

/** Global functions and operators: name -> overloads. */
const FUNCTIONS: Record<string, Overload[]> = {
  '_+_': [
    ...NUMS.map((t) => o([t, t], t)),
    o([STRING, STRING], STRING),
    o([BYTES, BYTES], BYTES),
    o([list(A), list(A)], list(A)),
    o([TIMESTAMP, DURATION], TIMESTAMP),
    o([DURATION, TIMESTAMP], TIMESTAMP),
    o([DURATION, DURATION], DURATION),
  ],
  '_-_': [
    ...NUMS.map((t) => o([t, t], t)),
    o([TIMESTAMP, TIMESTAMP], DURATION),
    o([TIMESTAMP, DURATION], TIMESTAMP),
    o([DURATION, DURATION], DURATION),
  ],
  '_*_': NUMS.map((t) => o([t, t], t)),
  '_/_': NUMS.map((t) => o([t, t], t)),
  '_%_': [o([INT, INT], INT), o([UINT, UINT], UINT)],
  '-_': [o([INT], INT), o([DOUBLE], DOUBLE)],
  '!_': [o([BOOL], BOOL)],
  '_==_': [o([A, A], BOOL)],
  '_!=_': [o([A, A], BOOL)],
  '_<_': compare,
  '_<=_': compare,
  '_>_': compare,
  '_>=_': compare,
  '_?_:_': [o([BOOL, A, A], A)],
  '_[_]': [o([list(A), INT], A), o([map(A, B), A], B)],
  '@in': [o([A, list(A)], BOOL), o([A, map(A, B)], BOOL)],
  '@not_strictly_false': [o([BOOL], BOOL)],
  not_strictly_false: [o([BOOL], BOOL)],
  size: [o([STRING], INT), o([BYTES], INT), o([list(A)], INT), o([map(A, B)], INT)],
  matches: [o([STRING, STRING], BOOL)],
  int: [
    o([INT], INT),
    o([UINT], INT),
    o([DOUBLE], INT),
    o([STRING], INT),
    o([TIMESTAMP], INT),
    o([DURATION], INT),
  ],
  uint: [o([UINT], UINT), o([INT], UINT), o([DOUBLE], UINT), o([STRING], UINT)],
  double: [o([DOUBLE], DOUBLE), o([INT], DOUBLE), o([UINT], DOUBLE), o([STRING], DOUBLE)],
  string: [STRING, BOOL, INT, UINT, DOUBLE, BYTES, TIMESTAMP, DURATION].map((t) => o([t], STRING)),
  bytes: [o([BYTES], BYTES), o([STRING], BYTES)],
  bool: [o([BOOL], BOOL), o([STRING], BOOL)],
  duration: [o([DURATION], DURATION), o([STRING], DURATION), o([INT], DURATION)],
  timestamp: [o([TIMESTAMP], TIMESTAMP), o([STRING], TIMESTAMP), o([INT], TIMESTAMP)],
  dyn: [o([A], DYN)],
  type: [o([A], typeOf(A))],
};

/** Receiver-style functions: name -> overloads whose first argument is the target. */
const METHODS: Record<string, Overload[]> = {
  size: [o([STRING], INT), o([BYTES], INT), o([list(A)], INT), o([map(A, B)], INT)],
  contains: [o([STRING, STRING], BOOL)],
  startsWith: [o([STRING, STRING], BOOL)],
  endsWith: [o([STRING, STRING], BOOL)],
  matches: [o([STRING, STRING], BOOL)],
  getFullYear: timeGetters(false).method,
  getMonth: timeGetters(false).method,
  getDayOfYear: timeGetters(false).method,
  getDayOfMonth: timeGetters(false).method,
  getDate: timeGetters(false).method,
  getDayOfWeek: timeGetters(false).method,
  getHours: timeGetters(true).method,
  getMinutes: timeGetters(true).method,
  getSeconds: timeGetters(true).method,
  getMilliseconds: timeGetters(true).method,
};

const TYPE_IDENTS: Record<string, CelT> = {
  int: typeOf(INT),
  uint: typeOf(UINT),
  double: typeOf(DOUBLE),
  bool: typeOf(BOOL),
  string: typeOf(STRING),
  bytes: typeOf(BYTES),
  list: typeOf(list(DYN)),
  map: typeOf(map(DYN, DYN)),
  null_type: typeOf(NULL),
  type: typeOf(typeOf(DYN)),
  dyn: typeOf(DYN),
};

const VARIABLES: Record<string, CelT> = { self: DYN, other: DYN, value: DYN };

type Subst = Map<string, CelT>;

function resolve(t: CelT, s: Subst): CelT {
  switch (t.k) {
    case 'param':
      return s.has(t.name) ? resolve(s.get(t.name)!, s) : t;
    case 'list':
      return list(resolve(t.e, s));
    case 'map':
      return map(resolve(t.key, s), resolve(t.val, s));
    case 'type':
      return typeOf(resolve(t.t, s));
    default:
      return t;
  }
}

function isDynLike(t: CelT): boolean {
  return t.k === 'dyn' || t.k === 'error';
}

/** Whether a value of type `actual` may be passed where `expected` is declared, binding params in s. */
function assignable(expected: CelT, actual: CelT, s: Subst): boolean {
  if (expected.k === 'param') {
    const bound = s.get(expected.name);
    if (!bound) {
      s.set(expected.name, actual);
      return true;
    }
    if (assignable(bound, actual, s)) {
      // the parameter takes the more general type (cel-go's mostGeneral): dyn wins
      if (actual.k === 'dyn') s.set(expected.name, DYN);
      return true;
    }
    // the parameter takes the more general of the two (cel-go's mostGeneral)
    if (assignable(actual, bound, new Map(s))) {
      s.set(expected.name, actual);
      return true;
    }
    return false;
  }
  if (isDynLike(expected) || isDynLike(actual)) return true;
  if (actual.k === 'param') return true;
  // null is assignable to message types, which include google.protobuf.Timestamp and Duration
  if (actual.k === 'null' && (expected.k === 'timestamp' || expected.k === 'duration')) return true;
  if (expected.k !== actual.k) return false;
  switch (expected.k) {
    case 'list':
      return assignable(expected.e, (actual as { e: CelT }).e, s);
    case 'map': {
      const a = actual as { key: CelT; val: CelT };
      return assignable(expected.key, a.key, s) && assignable(expected.val, a.val, s);
    }
    case 'type':
      // type values compare with each other whatever they denote (`int == type(1u)`)
      return true;
    default:
      return true;
  }
}

function sameType(a: CelT, b: CelT): boolean {
  return formatType(a) === formatType(b);
}

/** cel-go's joinTypes for aggregate literals with dynamic element types allowed. */
function join(prev: CelT | undefined, cur: CelT): CelT {
  if (!prev) return cur;
  if (assignable(prev, cur, new Map())) return isDynLike(cur) ? cur : prev;
  if (assignable(cur, prev, new Map())) return cur;
  return DYN;
}

export interface CheckIssue {
  offset: number;
  message: string;
}

/** Expression ids -> offsets, as @bufbuild/cel's parser records them. */
type Positions = Record<string, number>;

type Expr = any;

class Checker {
  readonly issues: CheckIssue[] = [];
  /** types of list literals, for the accumulators of map and filter */
  readonly listTypes = new Map<Expr, CelT>();
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
      case 'selectExpr': {
        const operand = this.check(k.value.operand, scope);
        if (isDynLike(operand)) return k.value.testOnly ? BOOL : operand;
        if (operand.k === 'map') return k.value.testOnly ? BOOL : operand.val;
        // has(x.f) is located at the macro's parenthesis, and is a bool even when it fails
        if (k.value.testOnly) {
          this.error(
            this.callOffset(e, 'has', false),
            `type '${formatType(operand)}' does not support field selection`,
          );
          return BOOL;
        }
        return this.error(this.pos(e), `type '${formatType(operand)}' does not support field selection`);
      }
      case 'listExpr': {
        let elem: CelT | undefined;
        for (const el of k.value.elements ?? []) elem = join(elem, this.check(el, scope));
        const t = list(elem ?? DYN);
        this.listTypes.set(e, t);
        return t;
      }
      case 'structExpr': {
        let key: CelT | undefined;
        let val: CelT | undefined;
        for (const en of k.value.entries ?? []) {
          if (en.keyKind?.case === 'mapKey') key = join(key, this.check(en.keyKind.value, scope));
          val = join(val, this.check(en.value, scope));
        }
        return map(key ?? DYN, val ?? DYN);
      }
      case 'comprehensionExpr':
        return this.comprehension(e, scope);
      case 'callExpr':
        return this.call(e, scope);
      default:
        return DYN;
    }
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
    const range = this.check(c.iterRange, scope);
    let iterType: CelT = DYN;
    let iterType2: CelT = DYN;
    if (range.k === 'list') {
      iterType = c.iterVar2 ? INT : range.e;
      iterType2 = range.e;
    } else if (range.k === 'map') {
      iterType = range.key;
      iterType2 = range.val;
    } else if (range.k === 'error') {
      iterType = ERROR;
      iterType2 = ERROR;
    } else if (!isDynLike(range)) {
      iterType = ERROR;
      iterType2 = ERROR;
      this.error(
        this.exprOffset(c.iterRange),
        `expression of type '${formatType(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
    }
    let accu = this.check(c.accuInit, scope);
    const inner = new Map(scope);
    inner.set(c.iterVar, iterType);
    if (c.iterVar2) inner.set(c.iterVar2, iterType2);
    inner.set(c.accuVar, accu);
    const cond = this.check(c.loopCondition, inner);
    this.assertBool(c.loopCondition, cond);
    this.check(c.loopStep, inner);
    // an empty list accumulator (map, filter) takes the type of the list its step appends
    const appended = appendedList(c.loopStep, c.accuVar);
    const appendedType = appended ? this.listTypes.get(appended) : undefined;
    if (accu.k === 'list' && accu.e.k === 'dyn' && appendedType) accu = appendedType;
    const res = new Map(scope);
    res.set(c.accuVar, accu);
    return this.check(c.result, res);
  }

  /** Reports a non-bool operand; false only when it reported (an error-typed operand was reported where it arose). */
  private assertBool(e: Expr, t: CelT): boolean {
    if (isDynLike(t) || t.k === 'bool' || t.k === 'param') return true;
    this.error(this.exprOffset(e), `expected type 'bool' but found '${literalTypeName(e) ?? formatType(t)}'`);
    return false;
  }

  /** The offset where an expression's text begins. */
  exprStart(e: Expr): number {
    const k = e?.exprKind;
    if (k?.case === 'callExpr') {
      const fn: string = k.value.function;
      if (k.value.target) return this.exprStart(k.value.target);
      if (/^_.+_$/.test(fn) || fn === '@in') return this.exprStart(k.value.args?.[0]);
      return this.pos(e);
    }
    if (k?.case === 'selectExpr') return this.exprStart(k.value.operand);
    if (k?.case === 'comprehensionExpr') return this.exprStart(k.value.iterRange);
    return this.pos(e);
  }

  /** Where cel-go locates an expression: calls at their operator or parenthesis, others at their start. */
  exprOffset(e: Expr): number {
    const k = e?.exprKind;
    if (k?.case === 'callExpr') return this.callOffset(e, k.value.function, !!k.value.target);
    if (k?.case === 'comprehensionExpr') return this.callOffset(e, 'macro', true);
    return this.pos(e);
  }

  private call(e: Expr, scope: Map<string, CelT>): CelT {
    const v = e.exprKind.value;
    const fn: string = v.function;
    const target = v.target;
    const args: Expr[] = v.args ?? [];
    if (fn === '_&&_' || fn === '_||_') {
      let ok = true;
      for (const a of args) ok = this.assertBool(a, this.check(a, scope)) && ok;
      return ok ? BOOL : ERROR;
    }
    const table = target ? METHODS : FUNCTIONS;
    if (!Object.hasOwn(table, fn)) {
      const root = target?.exprKind?.case === 'identExpr' ? target.exprKind.value.name : undefined;
      if (root !== undefined && !scope.has(root) && !VARIABLES[root] && !TYPE_IDENTS[root]) {
        // a qualified global call such as math.greatest(..): cel-go names its root first
        this.check(target, scope);
        for (const a of args) this.check(a, scope);
        return this.error(this.callOffset(e, fn, true), `undeclared reference to '${fn}' (in container '')`);
      }
      if (target) this.check(target, scope);
      for (const a of args) this.check(a, scope);
      return this.error(
        this.callOffset(e, fn, !!target),
        `undeclared reference to '${fn}' (in container '')`,
      );
    }
    const types = [...(target ? [this.check(target, scope)] : []), ...args.map((a) => this.check(a, scope))];
    const hasError = types.some((t) => t.k === 'error');
    let result: CelT | undefined;
    for (const ov of table[fn]!) {
      if (ov.args.length !== types.length) continue;
      const s: Subst = new Map();
      if (!ov.args.every((a, i) => assignable(a, types[i]!, s))) continue;
      let r = resolve(ov.result, s);
      if (r.k === 'param') r = DYN;
      result = result === undefined ? r : sameType(result, r) ? result : DYN;
    }
    // an erroneous argument matches like dyn (it was reported where it arose)
    void hasError;
    if (result) return substituteParams(result);
    const shown = target
      ? `${formatType(types[0]!)}.(${types.slice(1).map(formatType).join(', ')})`
      : `(${types.map(formatType).join(', ')})`;
    return this.error(
      this.callOffset(e, fn, !!target),
      `found no matching overload for '${fn}' applied to '${shown}'`,
    );
  }
}

function substituteParams(t: CelT): CelT {
  switch (t.k) {
    case 'param':
      return DYN;
    case 'list':
      return list(substituteParams(t.e));
    case 'map':
      return map(substituteParams(t.key), substituteParams(t.val));
    case 'type':
      return typeOf(substituteParams(t.t));
    default:
      return t;
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

/** Type-checks a parsed expression; returns the issues (empty when it checks). */
export function checkExpression(
  src: string,
  parsed: { expr?: Expr; sourceInfo?: { positions?: Positions } },
): CheckIssue[] {
  const c = new Checker(src, parsed.sourceInfo?.positions ?? {});
  // has() with anything but a field selection is a parse error in cel-go: the only error reported
  const badHas = findBadHas(parsed.expr);
  if (badHas) return [{ offset: c.exprOffset(badHas), message: 'invalid argument to has() macro' }];
  c.check(parsed.expr, new Map());
  return c.issues;
}

/** The argument of the first has() call that is not a field selection (left unexpanded by the parser). */
function findBadHas(e: Expr): Expr | undefined {
  const k = e?.exprKind;
  if (!k) return undefined;
  const kids: Expr[] = [];
  switch (k.case) {
    case 'callExpr':
      if (k.value.function === 'has' && !k.value.target && k.value.args?.length === 1) return k.value.args[0];
      if (k.value.target) kids.push(k.value.target);
      kids.push(...(k.value.args ?? []));
      break;
    case 'selectExpr':
      kids.push(k.value.operand);
      break;
    case 'listExpr':
      kids.push(...(k.value.elements ?? []));
      break;
    case 'structExpr':
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') kids.push(en.keyKind.value);
        kids.push(en.value);
      }
      break;
    case 'comprehensionExpr':
      kids.push(k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result);
      break;
  }
  for (const kid of kids) {
    const found = findBadHas(kid);
    if (found) return found;
  }
  return undefined;
}

/** The list literal a comprehension step appends to its accumulator (`accu + [x]`, maybe under `?:`). */
function appendedList(step: Expr, accuVar: string): Expr | undefined {
  const k = step?.exprKind;
  if (k?.case !== 'callExpr') return undefined;
  const args: Expr[] = k.value.args ?? [];
  if (
    k.value.function === '_+_' &&
    args[0]?.exprKind?.case === 'identExpr' &&
    args[0].exprKind.value.name === accuVar
  )
    return args[1]?.exprKind?.case === 'listExpr' ? args[1] : undefined;
  if (k.value.function === '_?_:_') return appendedList(args[1], accuVar) ?? appendedList(args[2], accuVar);
  return undefined;
}

/** cel-go prints the fresh type variables of an empty list or map literal. */
function literalTypeName(e: Expr): string | undefined {
  const k = e?.exprKind;
  if (k?.case === 'listExpr' && !(k.value.elements ?? []).length) return 'list(_var0)';
  if (k?.case === 'structExpr' && !(k.value.entries ?? []).length && !k.value.messageName)
    return 'map(_var0, _var1)';
  return undefined;
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
