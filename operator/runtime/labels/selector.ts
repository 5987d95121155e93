/**
 * Kubernetes label selectors: the string syntax of `labels.Parse` (used by
 * `--published-resource-selector`) and `metav1.LabelSelector` objects (filters, related selectors),
 * both compiled to one matcher. Pure.
 */

export type Operator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export class Selector {
  readonly requirements: readonly Requirement[];
  /** A nil LabelSelector selects nothing (Kubernetes semantics). */
  readonly nothing: boolean;

  constructor(requirements: readonly Requirement[], nothing = false) {
    this.requirements = requirements;
    this.nothing = nothing;
  }

  static everything(): Selector {
    return new Selector([]);
  }

  isEverything(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined | null): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    return this.requirements.every((r) => matchRequirement(r, l));
  }

  /** Canonical string form, usable as a `labelSelector` query parameter. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const n = BigInt(v!);
      const bound = BigInt(r.values[0]!);
      return r.op === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.op) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case '=':
      return `${r.key}=${r.values[0]}`;
    case '!=':
      return `${r.key}!=${r.values[0]}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
  }
}

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validation errors of a label key (`validation.IsQualifiedName`), empty when valid. */
export function validateLabelKey(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      );
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!NAME_RE.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  return errs;
}

/** Validation errors of a label value (`validation.IsValidLabelValue`), empty when valid. */
export function validateLabelValue(value: string): string[] {
  if (value === '') return [];
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!NAME_RE.test(value))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

export class SelectorParseError extends Error {}

type Token = { t: 'id' | 'op' | '(' | ')' | ',' | '!' | 'end'; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, v: c });
      i++;
    } else if (c === '!' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '!') {
      out.push({ t: '!', v: '!' });
      i++;
    } else if (c === '=' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '==' });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !/[\s(),!=<>]/.test(s[j]!)) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  out.push({ t: 'end', v: '' });
  return out;
}

/** `labels.Parse`: the string selector syntax (`a=b`, `a!=b`, `a in (x,y)`, `!a`, `a`, `a>1`). */
export function parseSelector(input: string): Selector {
  const toks = tokenize(input);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return Selector.everything();

  const key = (): string => {
    const tk = next();
    if (tk.t !== 'id') throw new SelectorParseError(`found '${tk.v}', expected: identifier`);
    const errs = validateLabelKey(tk.v);
    if (errs.length) throw new SelectorParseError(`key: Invalid value: "${tk.v}": ${errs.join('; ')}`);
    return tk.v;
  };
  const value = (): string => {
    const tk = peek();
    if (tk.t !== 'id') return ''; // empty values are allowed (`a=`)
    next();
    const errs = validateLabelValue(tk.v);
    if (errs.length)
      throw new SelectorParseError(`values[0][${tk.v}]: Invalid value: "${tk.v}": ${errs.join('; ')}`);
    return tk.v;
  };

  for (;;) {
    if (peek().t === '!') {
      next();
      reqs.push({ key: key(), op: '!', values: [] });
    } else {
      const k = key();
      const tk = peek();
      if (tk.t === ',' || tk.t === 'end') {
        reqs.push({ key: k, op: 'exists', values: [] });
      } else if (tk.t === 'op') {
        next();
        const v = value();
        if (tk.v === '<' || tk.v === '>') {
          if (!/^-?\d+$/.test(v))
            throw new SelectorParseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
          reqs.push({ key: k, op: tk.v === '>' ? 'gt' : 'lt', values: [v] });
        } else {
          reqs.push({ key: k, op: tk.v === '!=' ? '!=' : '=', values: [v] });
        }
      } else if (tk.t === 'id' && (tk.v === 'in' || tk.v === 'notin')) {
        next();
        if (next().t !== '(') throw new SelectorParseError(`found '${toks[p - 1]!.v}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          values.push(value());
          const sep = next();
          if (sep.t === ')') break;
          if (sep.t !== ',') throw new SelectorParseError(`found '${sep.v}', expected: ',' or ')'`);
        }
        reqs.push({ key: k, op: tk.v as 'in' | 'notin', values });
      } else {
        throw new SelectorParseError(`found '${tk.v}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep.t === 'end') break;
    if (sep.t !== ',') throw new SelectorParseError(`found '${sep.v}', expected: ',' or 'end of string'`);
  }
  return new Selector(reqs);
}

/** `metav1.LabelSelectorAsSelector`: nil selects nothing, `{}` selects everything. */
export function selectorFromSpec(spec: LabelSelectorSpec | null | undefined): Selector {
  if (spec === null || spec === undefined) return new Selector([], true);
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(spec.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of spec.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, op: 'in', values });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, op: 'notin', values });
        break;
      case 'Exists':
        reqs.push({ key: e.key, op: 'exists', values: [] });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, op: '!', values: [] });
        break;
      default:
        throw new SelectorParseError(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return new Selector(reqs);
}
