/**
 * Wildcard matching as tidwall/match does it for gjson keys and `%` queries: `*` matches any run of
 * characters, `?` exactly one character (a code point), `\` escapes the next pattern character.
 */
export function wildcardMatch(s: string, pattern: string): boolean {
  const str = Array.from(s);
  const pat = Array.from(pattern);
  return matchAt(str, 0, pat, 0, { budget: 10000 });
}

function matchAt(s: string[], si: number, p: string[], pi: number, lim: { budget: number }): boolean {
  while (pi < p.length) {
    if (--lim.budget < 0) return false; // gjson's matchLimit gives up on pathological patterns
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(s, k, p, pi + 1, lim)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      si++;
      pi++;
      continue;
    }
    let lit = c;
    if (c === '\\') {
      pi++;
      if (pi >= p.length) return false;
      lit = p[pi]!;
    }
    if (s[si] !== lit) return false;
    si++;
    pi++;
  }
  return si === s.length;
}
