/**
 * The error Go's time.Parse reports for a value that does not fit its layout:
 * `parsing time "VALUE" as "LAYOUT": cannot parse "REST" as "ELEMENT"`, or `parsing time "VALUE":
 * extra text: "REST"` / `...: day out of range`. The layout is read element by element the way Go
 * reads it (`2006`, `01`, `2`, `Jan`, `MST`, `-07:00`, `.000`, ...; any other text must match
 * literally), so the message names the element where the value stopped fitting. Strings are Go
 * strings (see gostrings.ts) and are quoted as Go's time package quotes them: bytes outside printable
 * ASCII as `\xNN`.
 */
import { goEncode } from './gostrings.js';
import { DAYS, MONTHS } from './gotime.js';
import { GoTime } from './value.js';

type Std =
  | 'longMonth'
  | 'month'
  | 'numMonth'
  | 'zeroMonth'
  | 'longWeekDay'
  | 'weekDay'
  | 'day'
  | 'underDay'
  | 'zeroDay'
  | 'underYearDay'
  | 'zeroYearDay'
  | 'hour'
  | 'hour12'
  | 'zeroHour12'
  | 'minute'
  | 'zeroMinute'
  | 'second'
  | 'zeroSecond'
  | 'longYear'
  | 'year'
  | 'PM'
  | 'pm'
  | 'tz'
  | 'isoTZ'
  | 'isoSecondsTZ'
  | 'isoShortTZ'
  | 'isoColonTZ'
  | 'isoColonSecondsTZ'
  | 'numTZ'
  | 'numSecondsTZ'
  | 'numShortTZ'
  | 'numColonTZ'
  | 'numColonSecondsTZ'
  | 'frac0'
  | 'frac9';

interface Chunk {
  prefix: string;
  std: Std | null;
  /** digits of a fractional-second element */
  digits: number;
  suffix: string;
}

const ZERO_X: Std[] = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'];

/** Byte strings are handled as latin1 JS strings: one character per byte. */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, s: string) => layout.startsWith(s, i);
  const chunk = (i: number, std: Std, len: number, digits = 0): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return chunk(i, 'longMonth', 7);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return chunk(i, 'month', 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return chunk(i, 'longWeekDay', 6);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return chunk(i, 'weekDay', 3);
        }
        if (at(i, 'MST')) return chunk(i, 'tz', 3);
        break;
      case '0': {
        const d = layout[i + 1];
        if (d !== undefined && d >= '1' && d <= '6') return chunk(i, ZERO_X[d.charCodeAt(0) - 49]!, 2);
        if (at(i, '002')) return chunk(i, 'zeroYearDay', 3);
        break;
      }
      case '1':
        return layout[i + 1] === '5' ? chunk(i, 'hour', 2) : chunk(i, 'numMonth', 1);
      case '2':
        return at(i, '2006') ? chunk(i, 'longYear', 4) : chunk(i, 'day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (at(i + 1, '2006'))
            return {
              prefix: layout.slice(0, i + 1),
              std: 'longYear',
              digits: 0,
              suffix: layout.slice(i + 5),
            };
          return chunk(i, 'underDay', 2);
        }
        if (at(i, '__2')) return chunk(i, 'underYearDay', 3);
        break;
      case '3':
        return chunk(i, 'hour12', 1);
      case '4':
        return chunk(i, 'minute', 1);
      case '5':
        return chunk(i, 'second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return chunk(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return chunk(i, 'pm', 2);
        break;
      case '-':
        if (at(i, '-070000')) return chunk(i, 'numSecondsTZ', 7);
        if (at(i, '-07:00:00')) return chunk(i, 'numColonSecondsTZ', 9);
        if (at(i, '-0700')) return chunk(i, 'numTZ', 5);
        if (at(i, '-07:00')) return chunk(i, 'numColonTZ', 6);
        if (at(i, '-07')) return chunk(i, 'numShortTZ', 3);
        break;
      case 'Z':
        if (at(i, 'Z070000')) return chunk(i, 'isoSecondsTZ', 7);
        if (at(i, 'Z07:00:00')) return chunk(i, 'isoColonSecondsTZ', 9);
        if (at(i, 'Z0700')) return chunk(i, 'isoTZ', 5);
        if (at(i, 'Z07:00')) return chunk(i, 'isoColonTZ', 6);
        if (at(i, 'Z07')) return chunk(i, 'isoShortTZ', 3);
        break;
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (layout[j] === d) j++;
          if (!isDigit(layout, j)) return chunk(i, d === '0' ? 'frac0' : 'frac9', j - i, j - (i + 1));
        }
        break;
      }
    }
  }
  return { prefix: layout, std: null, digits: 0, suffix: '' };
}

function isDigit(s: string, i: number): boolean {
  const c = s[i];
  return c !== undefined && c >= '0' && c <= '9';
}

/** getnum / getnum3: the number and the rest, or undefined. */
function getnum(s: string, fixed: boolean, max = 2): [number, string] | undefined {
  let i = 0;
  let n = 0;
  while (i < max && isDigit(s, i)) n = n * 10 + (s.charCodeAt(i++) - 48);
  if (i === 0 || (fixed && i !== max)) return undefined;
  return [n, s.slice(i)];
}

function skip(value: string, prefix: string): { value: string; ok: boolean } {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return { value, ok: false };
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return { value, ok: false };
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return { value, ok: true };
}

/** Go's match folds ASCII letters only. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** lookup: the rest after a (case-insensitive) name of the table, or undefined. */
function lookup(names: string[], value: string): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (value.length >= n.length && asciiLower(value.slice(0, n.length)) === asciiLower(n))
      return [i, value.slice(n.length)];
  }
  return undefined;
}

/** parseTimeZone's acceptance: how many bytes of value are a zone abbreviation, or 0. */
function timeZoneLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.length >= 4 && (value.startsWith('ChST') || value.startsWith('MeST'))) return 4;
  if (value.startsWith('GMT')) {
    let n = 3;
    if (value[3] === '+' || value[3] === '-') {
      const m = /^[0-9]+/.exec(value.slice(4));
      if (!m) return 3;
      const h = Number(m[0]);
      if ((value[3] === '-' && h > 12) || h > 14 || m[0].length > 2 || (m[0].length === 2 && m[0][0] === '0'))
        return 3;
      n = 4 + m[0].length;
    }
    return n;
  }
  if (value[0] === '+' || value[0] === '-') {
    const m = /^[+-][0-9]+/.exec(value);
    return m && (m[0].length === 3 || m[0].length === 5) ? m[0].length : 0;
  }
  let n = 0;
  while (n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 3 || n === 5) return n;
  if (n === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  return 0;
}

/** time.quote over the bytes of a latin1-coded byte string. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b >= 0x80 || b < 0x20) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += (b === 0x22 || b === 0x5c ? '\\' : '') + s[i];
  }
  return out + '"';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** The text of the error time.Parse(layout, value) returns, or undefined when Go parses it. */
export function goTimeParseError(goLayout: string, goValue: string): string | undefined {
  const r = goTimeParse(goLayout, goValue);
  return 'error' in r ? r.error : undefined;
}

/**
 * time.Parse(layout, value) with the local zone UTC: the time, or the text of Go's error. Month and
 * day names match case-insensitively (ASCII only), PM/pm move the hour, a numeric offset gives a
 * fixed zone (keeping a zone name read alongside), and a zone name alone reads the clock as UTC and
 * gives that name with offset 0 (GMT+h / GMT-h: h hours), except UTC, which is the local zone.
 */
export function goTimeParse(goLayout: string, goValue: string): { time: GoTime } | { error: string } {
  const layoutAll = goEncode(goLayout).toString('latin1');
  const valueAll = goEncode(goValue).toString('latin1');
  const cannot = (elem: string, rest: string) =>
    `parsing time ${quote(valueAll)} as ${quote(layoutAll)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  const withMessage = (msg: string) => `parsing time ${quote(valueAll)}${msg}`;
  let layout = layoutAll;
  let value = valueAll;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let utc = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  for (;;) {
    const { prefix, std, digits, suffix } = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    const skipped = skip(value, prefix);
    value = skipped.value;
    if (!skipped.ok) return { error: cannot(prefix, value) };
    if (std === null) {
      if (value.length !== 0) return { error: withMessage(`: extra text: ${quote(value)}`) };
      break;
    }
    layout = suffix;
    const hold = value;
    let bad = false;
    let range = '';
    const num = (fixed: boolean, max = 2): number => {
      const r = getnum(value, fixed, max);
      if (!r) {
        bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (std) {
      case 'year':
      case 'longYear': {
        const n = std === 'year' ? 2 : 4;
        if (value.length < n || (std === 'longYear' && !isDigit(value, 0))) {
          bad = true;
          break;
        }
        const p = value.slice(0, n);
        value = value.slice(n);
        if (!/^[+-]?[0-9]+$/.test(p)) bad = true;
        else year = Number(p) + (std === 'year' ? (Number(p) >= 69 ? 1900 : 2000) : 0);
        break;
      }
      case 'month':
      case 'longMonth': {
        const r = lookup(std === 'month' ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS, value);
        if (!r) bad = true;
        else [month, value] = [r[0] + 1, r[1]];
        break;
      }
      case 'numMonth':
      case 'zeroMonth':
        month = num(std === 'zeroMonth');
        if (!bad && (month <= 0 || month > 12)) range = 'month';
        break;
      case 'weekDay':
      case 'longWeekDay': {
        const r = lookup(std === 'weekDay' ? DAYS.map((d) => d.slice(0, 3)) : DAYS, value);
        if (!r) bad = true;
        else value = r[1];
        break;
      }
      case 'day':
      case 'underDay':
      case 'zeroDay':
        if (std === 'underDay' && value[0] === ' ') value = value.slice(1);
        day = num(std === 'zeroDay');
        break;
      case 'underYearDay':
      case 'zeroYearDay':
        for (let k = 0; k < 2; k++) if (std === 'underYearDay' && value[0] === ' ') value = value.slice(1);
        yday = num(std === 'zeroYearDay', 3);
        break;
      case 'hour': {
        hour = num(false);
        if (hour < 0 || hour >= 24) range = 'hour';
        break;
      }
      case 'hour12':
      case 'zeroHour12': {
        hour = num(std === 'zeroHour12');
        if (hour < 0 || hour > 12) range = 'hour';
        break;
      }
      case 'minute':
      case 'zeroMinute': {
        min = num(std === 'zeroMinute');
        if (min < 0 || min >= 60) range = 'minute';
        break;
      }
      case 'second':
      case 'zeroSecond': {
        sec = num(std === 'zeroSecond');
        if (bad) break;
        if (sec >= 60) {
          range = 'second';
          break;
        }
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === 'frac0' || next === 'frac9') break;
          let n = 2;
          while (n < value.length && isDigit(value, n)) n++;
          nsec = nanoseconds(value.slice(1, n));
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        if (std === 'PM' ? p !== 'PM' && p !== 'AM' : p !== 'pm' && p !== 'am') bad = true;
        else if (p === 'PM' || p === 'pm') pmSet = true;
        else amSet = true;
        break;
      }
      case 'isoTZ':
      case 'isoShortTZ':
      case 'isoColonTZ':
      case 'isoSecondsTZ':
      case 'isoColonSecondsTZ':
      case 'numTZ':
      case 'numShortTZ':
      case 'numColonTZ':
      case 'numSecondsTZ':
      case 'numColonSecondsTZ': {
        if (std.startsWith('iso') && value[0] === 'Z') {
          value = value.slice(1);
          utc = true;
          break;
        }
        const colon = std === 'isoColonTZ' || std === 'numColonTZ';
        const short = std === 'isoShortTZ' || std === 'numShortTZ';
        const colonSec = std === 'isoColonSecondsTZ' || std === 'numColonSecondsTZ';
        const sec = std === 'isoSecondsTZ' || std === 'numSecondsTZ';
        const need = colon ? 6 : short ? 3 : colonSec ? 9 : sec ? 7 : 5;
        if (
          value.length < need ||
          ((colon || colonSec) && value[3] !== ':') ||
          (colonSec && value[6] !== ':')
        ) {
          bad = true;
          break;
        }
        const sign = value[0];
        const hh = value.slice(1, 3);
        const mm = colon || colonSec ? value.slice(4, 6) : short ? '00' : value.slice(3, 5);
        const ss = colonSec ? value.slice(7, 9) : sec ? value.slice(5, 7) : '00';
        value = value.slice(need);
        const parts = [hh, mm, ss].map((x) => getnum(x, true));
        if (parts.some((x) => !x)) bad = true;
        const [h, m, s] = parts.map((x) => x?.[0] ?? 0) as [number, number, number];
        if (h > 24) range = 'time zone offset hour';
        if (m > 60) range = 'time zone offset minute';
        if (s > 60) range = 'time zone offset second';
        if (sign !== '+' && sign !== '-') bad = true;
        zoneOffset = (sign === '-' ? -1 : 1) * (h * 3600 + m * 60 + s);
        break;
      }
      case 'tz': {
        if (value.startsWith('UTC')) {
          value = value.slice(3);
          utc = true;
          break;
        }
        const n = timeZoneLength(value);
        if (n === 0) bad = true;
        else [zoneName, value] = [value.slice(0, n), value.slice(n)];
        break;
      }
      case 'frac0': {
        const n = 1 + digits;
        if (value.length < n) {
          bad = true;
          break;
        }
        if (!/^[0-9]+$/.test(value.slice(1, n)) || (value[0] !== '.' && value[0] !== ',')) bad = true;
        else nsec = nanoseconds(value.slice(1, n));
        value = value.slice(n);
        break;
      }
      case 'frac9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigit(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigit(value, i + 1)) i++;
        nsec = nanoseconds(value.slice(1, 1 + i));
        value = value.slice(1 + i);
        break;
      }
    }
    if (range) return { error: withMessage(`: ${range} out of range`) };
    if (bad) return { error: cannot(stdstr, hold) };
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    const leap = daysIn(2, year) === 29;
    if (yday < 1 || yday > (leap ? 366 : 365)) return { error: withMessage(': day-of-year out of range') };
    let m = 1;
    let d = yday;
    while (d > daysIn(m, year)) d -= daysIn(m++, year);
    if (month >= 0 && month !== m) return { error: withMessage(': day-of-year does not match month') };
    if (day >= 0 && day !== d) return { error: withMessage(': day-of-year does not match day') };
    [month, day] = [m, d];
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) return { error: withMessage(': day out of range') };
  const wall =
    BigInt(daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec) * 1000000000n +
    BigInt(nsec);
  if (utc) return { time: new GoTime(wall, 0, 'UTC') };
  if (zoneOffset !== undefined) {
    const ns = wall - BigInt(zoneOffset) * 1000000000n;
    // the local zone (UTC) when it fits, else a fixed zone carrying the name read, if any
    if (zoneOffset === 0 && (zoneName === '' || zoneName === 'UTC'))
      return { time: new GoTime(ns, 0, 'UTC') };
    return { time: new GoTime(ns, zoneOffset, zoneName) };
  }
  if (zoneName !== '') {
    // an unknown abbreviation: the clock read as UTC, shown in a zone of that name with offset 0,
    // or for GMT+h / GMT-h with offset h hours (so the clock shown moves, as it does in Go)
    const offset = zoneName.startsWith('GMT') && zoneName.length > 3 ? Number(zoneName.slice(3)) * 3600 : 0;
    return { time: new GoTime(wall, offset, zoneName) };
  }
  return { time: new GoTime(wall, 0, 'UTC') };
}

/** Nanoseconds from the digits after the decimal point (at most 9 count). */
function nanoseconds(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
