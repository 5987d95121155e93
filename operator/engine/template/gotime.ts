/** Minimal Go time support: Duration.String, Time.String and Time.Format (UTC offsets only). */
import type { GoTime } from './value.js';

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

interface Parts {
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

function parts(t: GoTime): Parts {
  const totalNs = t.ns + BigInt(t.offsetSeconds) * 1000000000n;
  let secs = totalNs / 1000000000n;
  let nsec = totalNs % 1000000000n;
  if (nsec < 0n) {
    nsec += 1000000000n;
    secs -= 1n;
  }
  const d = new Date(Number(secs) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
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

const MONTHS = [
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
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function p2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function zoneOffset(t: GoTime, colon: boolean, z: boolean, seconds = false): string {
  if (z && t.offsetSeconds === 0) return 'Z';
  const o = Math.abs(t.offsetSeconds);
  const sign = t.offsetSeconds < 0 ? '-' : '+';
  const hh = p2(Math.floor(o / 3600));
  const mm = p2(Math.floor((o % 3600) / 60));
  const ss = p2(o % 60);
  return sign + hh + (colon ? ':' : '') + mm + (seconds ? (colon ? ':' : '') + ss : '');
}

const LAYOUT_TOKENS = [
  'January',
  'Jan',
  'Monday',
  'Mon',
  'MST',
  '2006',
  '-07:00:00',
  '-0700',
  '-07:00',
  '-07',
  'Z07:00:00',
  'Z0700',
  'Z07:00',
  'Z07',
  '__2',
  '002',
  '01',
  '02',
  '_2',
  '03',
  '04',
  '05',
  '06',
  '15',
  '1',
  '2',
  '3',
  '4',
  '5',
  'PM',
  'pm',
];

/** time.Time.Format for the common layout elements. */
export function formatTime(t: GoTime, layout: string): string {
  const p = parts(t);
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    // fractional seconds .000 / .999 / ,000
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac && (i === 0 || true)) {
      const n = frac[1]!.length;
      let digits = String(p.nsec).padStart(9, '0').slice(0, n);
      if (frac[1]![0] === '9') {
        digits = digits.replace(/0+$/, '');
        if (digits) out += layout[i] + digits;
      } else out += layout[i] + digits;
      i += frac[0].length;
      continue;
    }
    for (const tok of LAYOUT_TOKENS) {
      if (!layout.startsWith(tok, i)) continue;
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
          out += t.zone;
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
        case '-0700':
          out += zoneOffset(t, false, false);
          break;
        case '-07:00':
          out += zoneOffset(t, true, false);
          break;
        case '-07':
          out += zoneOffset(t, false, false).slice(0, 3);
          break;
        case '-07:00:00':
          out += zoneOffset(t, true, false, true);
          break;
        case 'Z0700':
          out += zoneOffset(t, false, true);
          break;
        case 'Z07:00':
          out += zoneOffset(t, true, true);
          break;
        case 'Z07':
          out += t.offsetSeconds === 0 ? 'Z' : zoneOffset(t, false, false).slice(0, 3);
          break;
        case 'Z07:00:00':
          out += zoneOffset(t, true, true, true);
          break;
      }
      i += tok.length;
      continue outer;
    }
    out += layout[i];
    i++;
  }
  return out;
}

/** time.Time.String: "2006-01-02 15:04:05.999999999 -0700 MST" */
export function timeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}
