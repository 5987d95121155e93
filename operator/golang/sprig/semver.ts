/** Masterminds semver v3 as sprig exposes it: `semver` (a Version value) and `semverCompare`. */
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { GoInt, GoStruct } from '../template/value.js';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
}

const VERSION_RE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

export function parseVersion(v: string): Version {
  const m = VERSION_RE.exec(v);
  if (!m) throw new FuncError('invalid semantic version');
  const num = (seg: string | undefined): bigint => {
    if (!seg) return 0n;
    const digits = seg.replace(/^\./, '');
    const n = BigInt(digits);
    if (n >= 2n ** 64n)
      throw new FuncError(
        `error parsing version segment: strconv.ParseUint: parsing "${digits}": value out of range`,
      );
    return n;
  };
  const major = num(m[1]);
  const minor = num(m[2]);
  const patch = num(m[3]);
  const pre = m[5] ?? '';
  if (pre) {
    for (const part of pre.split('.')) {
      if (/^[0-9]+$/.test(part) && part.length > 1 && part.startsWith('0'))
        throw new FuncError('version segment starts with 0');
    }
  }
  return { major, minor, patch, pre, metadata: m[8] ?? '', original: v };
}

function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre) s += '-' + v.pre;
  if (v.metadata) s += '+' + v.metadata;
  return s;
}

function comparePrePart(a: string, b: string): number {
  if (a === b) return 0;
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return BigInt(a) < BigInt(b) ? -1 : 1;
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : 1;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const ap = a.split('.');
  const bp = b.split('.');
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    if (i >= ap.length) return -1;
    if (i >= bp.length) return 1;
    const c = comparePrePart(ap[i]!, bp[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  op: string;
  v: Version;
  dirty: boolean; // wildcard present
  wildMinor: boolean;
  wildPatch: boolean;
  wildMajor: boolean;
  orig: string;
}

const PARSER_ERROR = 'constraint parser error';

const OPS = ['>=', '=>', '<=', '=<', '!=', '~>', '>', '<', '=', '~', '^', ''];

function parseConstraintPart(c: string): Constraint {
  let op = '';
  for (const o of OPS) {
    if (o && c.startsWith(o)) {
      op = o;
      break;
    }
  }
  let ver = c.slice(op.length).trim();
  if (!/^v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(ver))
    throw new FuncError(`improper constraint: ${c}`);
  const parts = ver.replace(/^v/, '').split(/[-+]/)[0]!.split('.');
  const isWild = (p: string | undefined): boolean => p === undefined || p === 'x' || p === 'X' || p === '*';
  const wildMajor = isWild(parts[0]);
  const wildMinor = wildMajor || isWild(parts[1]);
  const wildPatch = wildMinor || isWild(parts[2]);
  const dirty =
    wildMajor || (parts[1] !== undefined && isWild(parts[1])) || (parts[2] !== undefined && isWild(parts[2]));
  ver = ver.replace(/(^|\.)([xX*])(?=\.|$|[-+])/g, '$10');
  let v: Version;
  try {
    v = parseVersion(ver);
  } catch {
    // the constraint has the right shape but its version does not parse (a number beyond uint64)
    throw new FuncError(PARSER_ERROR);
  }
  return {
    op,
    v,
    dirty,
    wildMajor,
    wildMinor: parts[1] === undefined || wildMinor,
    wildPatch: parts[2] === undefined || wildPatch,
    orig: c,
  };
}

function check(c: Constraint, v: Version): boolean {
  // Masterminds v3: a prerelease version only satisfies constraints that carry a prerelease
  if (v.pre !== '' && c.v.pre === '') return false;
  const cmp = compareVersions(v, c.v);
  switch (c.op) {
    case '':
    case '=':
      if (c.dirty || c.wildMinor || c.wildPatch) {
        if (c.wildMajor) return true;
        if (v.major !== c.v.major) return false;
        if (c.wildMinor) return true;
        if (v.minor !== c.v.minor) return false;
        if (c.wildPatch) return true;
        return v.patch === c.v.patch;
      }
      return cmp === 0;
    case '!=':
      if (c.dirty || c.wildMinor || c.wildPatch) {
        if (c.wildMajor) return false;
        if (v.major !== c.v.major) return true;
        if (c.wildMinor) return false;
        if (v.minor !== c.v.minor) return true;
        if (c.wildPatch) return false;
        return v.patch !== c.v.patch;
      }
      return cmp !== 0;
    case '>':
      if (c.dirty || c.wildPatch) {
        if (c.wildMajor) return false;
        if (v.major > c.v.major) return true;
        if (v.major < c.v.major) return false;
        if (c.wildMinor) return false;
        if (v.minor > c.v.minor) return true;
        if (v.minor < c.v.minor) return false;
        return false;
      }
      return cmp > 0;
    case '<':
      if (cmp < 0) return true;
      return false;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (c.dirty || c.wildMinor || c.wildPatch) {
        if (c.wildMajor) return true;
        if (v.major < c.v.major) return true;
        if (v.major > c.v.major) return false;
        if (c.wildMinor) return true;
        if (v.minor < c.v.minor) return true;
        if (v.minor > c.v.minor) return false;
        return true;
      }
      return cmp <= 0;
    case '~':
    case '~>': {
      if (cmp < 0) return false;
      if (c.v.major === 0n && c.v.minor === 0n && c.v.patch === 0n && c.wildMajor) return true;
      if (v.major !== c.v.major) return false;
      if (v.minor !== c.v.minor && !c.wildMinor) return false;
      return true;
    }
    case '^': {
      if (cmp < 0) return false;
      if (c.wildMajor) return true;
      if (c.v.major > 0n) return v.major === c.v.major;
      if (v.major > 0n) return false;
      if (c.v.minor > 0n || c.wildPatch) return v.minor === c.v.minor || (c.wildMinor && true);
      if (v.minor > 0n) return false;
      return v.patch === c.v.patch;
    }
  }
  return false;
}

export function satisfies(constraint: string, version: string): boolean {
  // Masterminds: the constraint is parsed before the version
  if (constraint.trim() === '') throw new FuncError(`improper constraint: ${constraint}`);
  const parsed = parseConstraints(constraint);
  const v = parseVersion(version);
  return parsed.some((and) => and.every((c) => check(c, v)));
}

function parseConstraints(constraint: string): Constraint[][] {
  const result: Constraint[][] = [];
  const ors = constraint.split('||').map((s) => s.trim());
  for (const or of ors) {
    // hyphen ranges "1.2 - 1.4.5"
    const normalized = or.replace(/\s*([0-9A-Za-z.*+-]+)\s+-\s+([0-9A-Za-z.*+-]+)/g, '>= $1, <= $2');
    const parts = normalized
      .split(/\s*,\s*|\s+(?![=<>!~^]*\s)/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const merged: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (/^[=<>!~^]+$/.test(p) && i + 1 < parts.length) {
        merged.push(p + parts[++i]);
      } else merged.push(p);
    }
    if (merged.length === 0) throw new FuncError(`improper constraint: ${constraint}`);
    let cs: Constraint[];
    try {
      cs = merged.map(parseConstraintPart);
    } catch (e) {
      if (e instanceof FuncError && e.message === PARSER_ERROR) throw e;
      throw new FuncError(`improper constraint: ${constraint}`);
    }
    result.push(cs);
  }
  return result;
}

function versionValue(v: Version): GoStruct {
  return new GoStruct(
    {
      major: v.major,
      minor: v.minor,
      patch: v.patch,
      pre: v.pre,
      metadata: v.metadata,
      original: v.original,
    },
    '*semver.Version',
    {
      String: () => versionString(v),
      Major: () => new GoInt(v.major, 'uint64'),
      Minor: () => new GoInt(v.minor, 'uint64'),
      Patch: () => new GoInt(v.patch, 'uint64'),
      Prerelease: () => v.pre,
      Metadata: () => v.metadata,
      Original: () => v.original,
    },
  );
}

export const semverFuncs: FuncMap = {
  semver: fn(['string'], (s: string) => versionValue(parseVersion(s))),
  semverCompare: fn(['string', 'string'], (c: string, v: string) => satisfies(c, v)),
};
