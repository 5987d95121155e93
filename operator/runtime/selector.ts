/**
 * Kubernetes label selector strings (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`),
 * parsed for matching cached objects locally. Whitespace-tolerant; commas separate requirements.
 */
export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export function parseLabelSelector(selector: string): Requirement[] {
  const reqs: Requirement[] = [];
  // split on commas outside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      reqs.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values });
    } else if ((m = p.match(/^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      reqs.push({ key: m[1] as string, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] ?? ''] });
    } else if ((m = p.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: m[1] as string, op: '!exists' });
    } else if ((m = p.match(/^([^!=\s()]+)$/))) {
      reqs.push({ key: m[1] as string, op: 'exists' });
    } else {
      throw new Error(
        `invalid label selector ${JSON.stringify(selector)}: cannot parse ${JSON.stringify(p)}`,
      );
    }
  }
  return reqs;
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(l[r.key] as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(l[r.key] as string)) return false;
        break;
    }
  }
  return true;
}
