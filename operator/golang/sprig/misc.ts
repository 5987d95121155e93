/** Sprig v3.3.0 path, URL, date, environment, random and crypto functions. */
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { GoDuration, GoInt, GoTime, NO_VALUE, hasKey, isMap } from '../template/value.js';
import { durationString, formatTime } from '../template/gotime.js';
import { goTimeParse } from '../template/timeparse-error.js';
import { strval } from './cast.js';
import { checkCount } from './limits.js';
import { sprigBcrypt, sprigHtpasswd } from './bcrypt.js';
import type { TemplateEnvironment } from '../template/environment.js';

// ---- path (slash-separated, Go's path package) ----
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts = p.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}
function pathBase(p: string): string {
  if (p === '') return '.';
  p = p.replace(/\/+$/, '');
  if (p === '') return '/';
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}
function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return pathClean(p.slice(0, i + 1));
}
function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---- dates ----
function toTime(v: unknown, env: TemplateEnvironment): GoTime {
  if (v instanceof GoTime) return v;
  if (typeof v === 'bigint') return new GoTime(v * 1000000000n);
  if (v instanceof GoInt && (v.t === 'int' || v.t === 'int32')) return new GoTime(v.v * 1000000000n);
  return new GoTime(nowNs(env));
}

function nowNs(env: TemplateEnvironment): bigint {
  return BigInt(env.nowMs()) * 1000000n;
}

/**
 * t.In(time.LoadLocation(zone)) as sprig's date functions do it (an unknown zone means UTC). Offsets
 * come from the ICU time-zone data Node carries; the abbreviation from the IANA database where ICU
 * knows it (CET, EST, IST, AEDT, ...), else tzdata's numeric form (-03, +0530). "Local" is the
 * process's zone, $TZ of the environment (the Go agent's image runs in UTC).
 */
function inZone(t: GoTime, zone: string, env: TemplateEnvironment): GoTime {
  if (zone === '' || zone === 'UTC') return new GoTime(t.ns, 0, 'UTC');
  const tz = zone === 'Local' ? (env.lookupEnv('TZ') ?? 'UTC') : zone;
  if (tz === 'UTC' || tz === '' || tz.includes('..') || tz.startsWith('/') || tz.includes('\\'))
    return new GoTime(t.ns, 0, 'UTC');
  const ms = Number(t.ns / 1000000n);
  let offsetName: string;
  try {
    offsetName = zonePart('en-US', tz, 'longOffset', ms);
  } catch {
    return new GoTime(t.ns, 0, 'UTC');
  }
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(offsetName);
  const offset = m?.[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return new GoTime(t.ns, offset, zoneAbbreviation(tz, ms, offset));
}

function zonePart(locale: string, tz: string, style: 'longOffset' | 'short', ms: number): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: style }).formatToParts(ms);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Abbreviations ICU spells only in other locales' names. */
const ZONE_ABBREVIATIONS: Record<string, [string, string?]> = {
  'Asia/Tokyo': ['JST'],
  'Asia/Seoul': ['KST'],
  'Asia/Shanghai': ['CST'],
  'Asia/Hong_Kong': ['HKT'],
  'Asia/Jerusalem': ['IST', 'IDT'],
  'Europe/Moscow': ['MSK'],
  'Asia/Karachi': ['PKT'],
  'Asia/Jakarta': ['WIB'],
  'Africa/Johannesburg': ['SAST'],
  'Africa/Lagos': ['WAT'],
  'Africa/Nairobi': ['EAT'],
  'Africa/Cairo': ['EET', 'EEST'],
  'Pacific/Auckland': ['NZST', 'NZDT'],
};

function zoneAbbreviation(tz: string, ms: number, offset: number): string {
  if (tz === 'Etc/UTC' || tz === 'Etc/Universal' || tz === 'UCT' || tz === 'Zulu' || tz === 'Universal')
    return 'UTC';
  const known = ZONE_ABBREVIATIONS[tz];
  if (known) {
    const jan = Number(new Date(new Date(ms).getUTCFullYear(), 0, 1));
    const std = zonePart('en-US', tz, 'longOffset', jan);
    return known[1] && zonePart('en-US', tz, 'longOffset', ms) !== std ? known[1] : known[0];
  }
  for (const locale of ['en-US', 'en-GB', 'en-AU', 'en-IN']) {
    const name = zonePart(locale, tz, 'short', ms);
    if (/^[A-Z]{2,5}$/.test(name) && (name !== 'GMT' || offset === 0) && name !== 'UTC') return name;
  }
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = Math.floor((a % 3600) / 60);
  return sign + hh + (mm ? String(mm).padStart(2, '0') : '');
}

function parseGoDuration(s: string): bigint {
  const orig = s;
  if (s === '0') return 0n;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') throw new FuncError(`time: invalid duration "${orig}"`);
  const units: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    μs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9,
  };
  let total = 0;
  const re = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m || m[1] === '' || m[1] === '.') throw new FuncError(`time: invalid duration "${orig}"`);
    total += Number(m[1]) * units[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return BigInt(Math.round(neg ? -total : total));
}

function notSupported(name: string): () => never {
  return () => {
    throw new FuncError(`${name} is not supported by this agent`);
  };
}

function randString(env: TemplateEnvironment, count: GoInt, alphabet: string, name: string): string {
  const n = Number(count.v);
  if (n < 0) throw new FuncError(`${name}: count must be non-negative`);
  checkCount(n, name);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[env.randomInt(alphabet.length)];
  return out;
}
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const NUM = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function urlParse(v: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    // relative references: parse against a dummy base and strip it
    try {
      const base = new URL(v, 'x-relative://host/');
      return {
        scheme: '',
        host: '',
        hostname: '',
        path: decodeURIComponent(base.pathname).replace(/^\//, v.startsWith('/') ? '/' : ''),
        query: base.search.replace(/^\?/, ''),
        opaque: '',
        fragment: decodeURIComponent(base.hash.replace(/^#/, '')),
        userinfo: '',
      };
    } catch {
      throw new FuncError(`unable to parse url: ${v}`);
    }
  }
  const userinfo = u.username ? (u.password ? `${u.username}:${u.password}` : u.username) : '';
  return {
    scheme: u.protocol.replace(/:$/, ''),
    host: u.host,
    hostname: u.hostname,
    path: decodeURIComponent(u.pathname),
    query: u.search.replace(/^\?/, ''),
    opaque: '',
    fragment: decodeURIComponent(u.hash.replace(/^#/, '')),
    userinfo: decodeURIComponent(userinfo),
  };
}

function urlJoin(d: Record<string, unknown> | null): string {
  const get = (k: string): string => {
    if (!d || !hasKey(d, k)) return '';
    const v = d[k];
    if (typeof v !== 'string') throw new FuncError(`unable to parse ${k} field: ${strval(v)}`);
    return v;
  };
  const scheme = get('scheme');
  const host = get('host');
  const path = get('path');
  const query = get('query');
  const fragment = get('fragment');
  const userinfo = get('userinfo');
  const opaque = get('opaque');
  let out = '';
  if (opaque)
    return (
      (scheme ? scheme + ':' : '') +
      opaque +
      (query ? '?' + query : '') +
      (fragment ? '#' + encodeURI(fragment) : '')
    );
  if (scheme) out += scheme + ':';
  if (scheme || host || userinfo) {
    out += '//';
    if (userinfo) out += userinfo + '@';
    out += host;
  }
  if (path) out += (host && !path.startsWith('/') ? '/' : '') + encodeURI(path).replace(/%25/g, '%25');
  if (query) out += '?' + query;
  if (fragment) out += '#' + encodeURIComponent(fragment).replace(/%2F/g, '/');
  return out;
}

/** The functions; the clock, variables and randomness they use come from `env`. */
export const miscFuncs = (env: TemplateEnvironment): FuncMap => ({
  base: fn(['string'], pathBase),
  dir: fn(['string'], pathDir),
  clean: fn(['string'], pathClean),
  ext: fn(['string'], pathExt),
  isAbs: fn(['string'], (p: string) => p.startsWith('/')),
  osBase: fn(['string'], pathBase),
  osDir: fn(['string'], pathDir),
  osClean: fn(['string'], pathClean),
  osExt: fn(['string'], pathExt),
  osIsAbs: fn(['string'], (p: string) => p.startsWith('/')),

  urlParse: fn(['string'], urlParse),
  urlJoin: fn(['map'], urlJoin),

  now: fn([], () => new GoTime(nowNs(env), 0, 'UTC')),
  date: fn(['string', 'any'], (f: string, d: unknown) => formatTime(inZone(toTime(d, env), 'Local', env), f)),
  dateInZone: fn(['string', 'any', 'string'], (f: string, d: unknown, z: string) =>
    formatTime(inZone(toTime(d, env), z, env), f),
  ),
  date_in_zone: fn(['string', 'any', 'string'], (f: string, d: unknown, z: string) =>
    formatTime(inZone(toTime(d, env), z, env), f),
  ),
  htmlDate: fn(['any'], (d: unknown) => formatTime(inZone(toTime(d, env), 'Local', env), '2006-01-02')),
  htmlDateInZone: fn(['any', 'string'], (d: unknown, z: string) =>
    formatTime(inZone(toTime(d, env), z, env), '2006-01-02'),
  ),
  unixEpoch: fn(['any'], (t: unknown) => {
    if (!(t instanceof GoTime)) throw new FuncError(`wrong type for value; expected time.Time`);
    const s = t.ns / 1000000000n - (t.ns % 1000000000n < 0n ? 1n : 0n);
    return s.toString();
  }),
  duration: fn(['any'], (sec: unknown) => {
    let n = 0n;
    if (typeof sec === 'string') n = /^[+-]?\d+$/.test(sec) ? BigInt(sec) : 0n;
    else if (typeof sec === 'bigint') n = sec;
    return durationString(BigInt.asIntN(64, n * 1000000000n));
  }),
  durationRound: fn(['any'], (d: unknown) => durationRound(d, env)),
  dateModify: fn(['string', 'any'], (fmt: string, t: unknown) => {
    if (!(t instanceof GoTime)) throw new FuncError('wrong type for value; expected time.Time');
    try {
      return new GoTime(t.ns + parseGoDuration(fmt), t.offsetSeconds, t.zone);
    } catch {
      return t;
    }
  }),
  date_modify: fn(['string', 'any'], (fmt: string, t: unknown) => {
    if (!(t instanceof GoTime)) throw new FuncError('wrong type for value; expected time.Time');
    try {
      return new GoTime(t.ns + parseGoDuration(fmt), t.offsetSeconds, t.zone);
    } catch {
      return t;
    }
  }),
  mustDateModify: fn(['string', 'any'], (fmt: string, t: unknown) => {
    if (!(t instanceof GoTime)) throw new FuncError('wrong type for value; expected time.Time');
    return new GoTime(t.ns + parseGoDuration(fmt), t.offsetSeconds, t.zone);
  }),
  must_date_modify: fn(['string', 'any'], (fmt: string, t: unknown) => {
    if (!(t instanceof GoTime)) throw new FuncError('wrong type for value; expected time.Time');
    return new GoTime(t.ns + parseGoDuration(fmt), t.offsetSeconds, t.zone);
  }),
  ago: fn(['any'], (d: unknown) => {
    const t = toTime(d, env);
    const diff = ((nowNs(env) - t.ns) / 1000000000n) * 1000000000n;
    return durationString(diff);
  }),
  // an unparsable or impossible date (February 30th) is Go's zero time for toDate, an error for mustToDate
  toDate: fn(['string', 'string'], (layout: string, s: string) => {
    const r = goTimeParse(layout, s);
    return 'time' in r ? r.time : new GoTime(-62135596800n * 1000000000n);
  }),
  mustToDate: fn(['string', 'string'], (layout: string, s: string) => {
    // Go's error names the layout element where the value stopped fitting
    const r = goTimeParse(layout, s);
    if ('error' in r) throw new FuncError(r.error);
    return r.time;
  }),

  env: fn(['string'], (k: string) => env.lookupEnv(k) ?? ''),
  expandenv: fn(['string'], (s: string) =>
    s.replace(
      /\$\{([^}]*)\}|\$([A-Za-z0-9_]+|[*#$@!?\-0-9])/g,
      (_m, a: string | undefined, b: string | undefined) => env.lookupEnv((a ?? b)!) ?? '',
    ),
  ),
  getHostByName: fn(['string'], notSupported('getHostByName')),

  randAlphaNum: fn(['int'], (c: GoInt) => randString(env, c, ALPHA + NUM, 'randAlphaNum')),
  randAlpha: fn(['int'], (c: GoInt) => randString(env, c, ALPHA, 'randAlpha')),
  randAscii: fn(['int'], (c: GoInt) => randString(env, c, ASCII, 'randAscii')),
  randNumeric: fn(['int'], (c: GoInt) => randString(env, c, NUM, 'randNumeric')),
  randBytes: fn(['int'], (c: GoInt) => {
    checkCount(Number(c.v), 'randBytes');
    return Buffer.from(env.randomBytes(Math.max(Number(c.v), 0))).toString('base64');
  }),
  shuffle: fn(['string'], (s: string) => {
    const chars = [...s];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = env.randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    return chars.join('');
  }),
  uuidv4: fn([], () => uuidV4(env)),
  fail: fn(['string'], (msg: string) => {
    throw new FuncError(msg);
  }),

  bcrypt: fn(['string'], (input: string) => sprigBcrypt(input, env)),
  htpasswd: fn(['string', 'string'], (user: string, password: string) => sprigHtpasswd(user, password, env)),
});

/** A random (version 4, RFC 4122 variant) UUID in its canonical lower-case form, like google/uuid. */
function uuidV4(env: TemplateEnvironment): string {
  const b = Buffer.from(env.randomBytes(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function durationRound(d: unknown, env: TemplateEnvironment): string {
  let ns: bigint;
  if (typeof d === 'string') {
    try {
      ns = parseGoDuration(d);
    } catch {
      ns = 0n;
    }
  } else if (d instanceof GoDuration) ns = d.ns;
  else if (d instanceof GoTime) ns = nowNs(env) - d.ns;
  else ns = 0n;
  let u = ns < 0n ? -ns : ns;
  const second = 1000000000n;
  const minute = 60n * second;
  const hour = 60n * minute;
  const day = 24n * hour;
  const month = 30n * day;
  const year = 365n * day;
  void isMap;
  void NO_VALUE;
  if (u > year) return `${u / year}y`;
  if (u > month) return `${u / month}mo`;
  if (u > day) return `${u / day}d`;
  if (u > hour) return `${u / hour}h`;
  if (u > minute) return `${u / minute}m`;
  if (u > second) return `${u / second}s`;
  u = 0n;
  return '0s';
}

export { strval };
