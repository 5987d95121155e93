/** Minimal Go time support: Duration.String, Time.String and Time.Format (UTC offsets only). */
import { GoTime } from './value.js';

function fracString(v: bigint, prec: number): string {
  // v has `prec` implied decimal places; print without trailing zeros
  const s = v.toString().padStart(prec + 1, '0');
  const ip = s.slice(0, s.length - prec);
  const fp = s.slice(s.length - prec).replace(/0+$/, '');
  return fp ? ip + '.' + fp : ip;
}

/** time.Duration.String */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    if (u < 1000n) out = u.toString() + 'ns';
    else if (u < 1000000n) out = fracString(u, 3) + 'µs';
    else out = fracString(u, 6) + 'ms';
  } else {
    const h = u / 3600000000000n;
    u -= h * 3600000000000n;
    const m = u / 60000000000n;
    u -= m * 60000000000n;
    out = fracString(u, 9) + 's';
    if (h > 0n) out = h.toString() + 'h' + m.toString() + 'm' + out;
    else if (m > 0n) out = m.toString() + 'm' + out;
  }
  return (neg ? '-' : '') + out;
}

export interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  weekday: number;
  yday: number;
}

/** The calendar fields of t in its own zone. */
export function timeParts(t: GoTime): Parts {
  const totalNs = t.ns + BigInt(t.offsetSeconds) * 1000000000n;
  let secs = totalNs / 1000000000n;
  let nsec = totalNs % 1000000000n;
  if (nsec < 0n) {
    nsec += 1000000000n;
    secs -= 1n;
  }
  const d = new Date(Number(secs) * 1000);
  // setUTCFullYear, unlike Date.UTC, reads years 0-99 as themselves (Go's zero time is in year 1)
  const start = new Date(0).setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    nsec: Number(nsec),
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start) / 86400000) + 1,
  };
}

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function p2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Go's nextStdChunk: the layout element starting at `i`, or null for a literal character. */
function stdChunk(l: string, i: number): string | null {
  const at = (t: string): boolean => l.startsWith(t, i);
  const lowerAfter = (n: number): boolean => /^[a-z]/.test(l.slice(i + n, i + n + 1));
  switch (l[i]) {
    case 'J':
      if (at('January')) return 'January';
      if (at('Jan') && !lowerAfter(3)) return 'Jan';
      return null;
    case 'M':
      if (at('Monday')) return 'Monday';
      if (at('Mon') && !lowerAfter(3)) return 'Mon';
      if (at('MST')) return 'MST';
      return null;
    case '0':
      if (l[i + 1] !== undefined && l[i + 1]! >= '1' && l[i + 1]! <= '6') return l.slice(i, i + 2);
      if (at('002')) return '002';
      return null;
    case '1':
      return at('15') ? '15' : '1';
    case '2':
      return at('2006') ? '2006' : '2';
    case '_':
      if (l[i + 1] === '2') return at('_2006') ? null : '_2';
      if (at('__2')) return '__2';
      return null;
    case '3':
    case '4':
    case '5':
      return l[i]!;
    case 'P':
      return at('PM') ? 'PM' : null;
    case 'p':
      return at('pm') ? 'pm' : null;
    case '-':
      for (const t of ['-070000', '-07:00:00', '-0700', '-07:00', '-07']) if (at(t)) return t;
      return null;
    case 'Z':
      for (const t of ['Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07']) if (at(t)) return t;
      return null;
    case '.':
    case ',': {
      const ch = l[i + 1];
      if (ch === '0' || ch === '9') {
        let j = i + 1;
        while (l[j] === ch) j++;
        if (!/[0-9]/.test(l[j] ?? '')) return l.slice(i, j);
      }
      return null;
    }
  }
  return null;
}

/** time.Time.Format (offset-only zones). */
export function formatTime(t: GoTime, layout: string): string {
  const p = timeParts(t);
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const tok = stdChunk(layout, i);
    if (tok === null) {
      out += layout[i];
      i++;
      continue;
    }
    i += tok.length;
    if (tok[0] === '.' || tok[0] === ',') {
      const n = tok.length - 1;
      let digits = String(p.nsec).padStart(9, '0').slice(0, n);
      if (tok[1] === '9') {
        digits = digits.replace(/0+$/, '');
        if (digits) out += tok[0] + digits;
      } else out += tok[0] + digits;
      continue;
    }
    switch (tok) {
      case 'January':
        out += MONTHS[p.month - 1];
        break;
      case 'Jan':
        out += MONTHS[p.month - 1]!.slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[p.weekday];
        break;
      case 'Mon':
        out += DAYS[p.weekday]!.slice(0, 3);
        break;
      case 'MST':
        // without a zone name Go prints the offset as -0700
        out += t.zone !== '' ? t.zone : zoneElement(new GoTime(t.ns, t.offsetSeconds, 'x'), '-0700');
        break;
      case '2006':
        out += String(p.year).padStart(4, '0');
        break;
      case '06':
        out += p2(p.year % 100);
        break;
      case '01':
        out += p2(p.month);
        break;
      case '1':
        out += String(p.month);
        break;
      case '02':
        out += p2(p.day);
        break;
      case '_2':
        out += p.day < 10 ? ' ' + p.day : String(p.day);
        break;
      case '2':
        out += String(p.day);
        break;
      case '002':
        out += String(p.yday).padStart(3, '0');
        break;
      case '__2':
        out += String(p.yday).padStart(3, ' ');
        break;
      case '15':
        out += p2(p.hour);
        break;
      case '03':
        out += p2(p.hour % 12 === 0 ? 12 : p.hour % 12);
        break;
      case '3':
        out += String(p.hour % 12 === 0 ? 12 : p.hour % 12);
        break;
      case '04':
        out += p2(p.min);
        break;
      case '4':
        out += String(p.min);
        break;
      case '05':
        out += p2(p.sec);
        break;
      case '5':
        out += String(p.sec);
        break;
      case 'PM':
        out += p.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += p.hour >= 12 ? 'pm' : 'am';
        break;
      default:
        out += zoneElement(t, tok);
    }
  }
  return out;
}

function zoneElement(t: GoTime, tok: string): string {
  if (tok[0] === 'Z' && t.offsetSeconds === 0) return 'Z';
  const o = Math.abs(t.offsetSeconds);
  const sign = t.offsetSeconds < 0 ? '-' : '+';
  const hh = p2(Math.floor(o / 3600));
  const mm = p2(Math.floor((o % 3600) / 60));
  const ss = p2(o % 60);
  switch (tok.slice(1)) {
    case '070000':
      return sign + hh + mm + ss;
    case '07:00:00':
      return sign + hh + ':' + mm + ':' + ss;
    case '0700':
      return sign + hh + mm;
    case '07:00':
      return sign + hh + ':' + mm;
    default:
      return sign + hh;
  }
}

/** time.Time.String: "2006-01-02 15:04:05.999999999 -0700 MST" */
export function timeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}
