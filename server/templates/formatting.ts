/**
 * .NET's formatting, as far as templates use it: composite format strings (`{0}`, `{0,8}`,
 * `{0:N2}`, `{{`), the standard numeric formats (N, D, F, X, P, E, G), and DateTime custom and
 * standard formats in the invariant culture (with en-US short dates, as Azure's docs show them).
 */
import type { Json } from '../../protocol/json';
import { ExpressionError } from './errors';
import { toText } from './values';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(n: number, precision: number, group: boolean): string {
  const neg = n < 0;
  const s = Math.abs(n).toFixed(precision);
  const [int, frac] = s.split('.');
  const body = (group ? groupThousands(int) : int) + (frac !== undefined ? `.${frac}` : '');
  return neg && Number(s) !== 0 ? `-${body}` : body;
}

/** A .NET standard numeric format string applied to a number. */
export function formatNumber(n: number, spec: string): string {
  const m = /^([A-Za-z])(\d*)$/.exec(spec);
  if (!m) return customNumber(n, spec);
  const letter = m[1];
  const p = m[2] === '' ? undefined : Number(m[2]);
  switch (letter.toUpperCase()) {
    case 'N':
      return fixed(n, p ?? 2, true);
    case 'F':
      return fixed(n, p ?? 2, false);
    case 'D': {
      const s = Math.abs(Math.trunc(n)).toString().padStart(p ?? 0, '0');
      return n < 0 ? `-${s}` : s;
    }
    case 'X': {
      const s = (n < 0 ? (BigInt.asUintN(64, BigInt(Math.trunc(n)))).toString(16) : Math.trunc(n).toString(16)).padStart(p ?? 0, '0');
      return letter === 'X' ? s.toUpperCase() : s;
    }
    case 'P':
      return `${fixed(n * 100, p ?? 2, true)} %`;
    case 'E': {
      const s = n.toExponential(p ?? 6);
      const [mant, exp] = s.split('e');
      const sign = exp.startsWith('-') ? '-' : '+';
      const e = `${letter}${sign}${exp.replace(/^[+-]/, '').padStart(3, '0')}`;
      return mant + e;
    }
    case 'G':
    case 'R':
      return String(n);
    case 'C':
      return `¤${fixed(n, p ?? 2, true)}`;
    default:
      throw new ExpressionError(`Format specifier '${spec}' is not valid.`);
  }
}

/** Custom numeric formats: '0', '#', '.', ',' placeholders. */
function customNumber(n: number, spec: string): string {
  const dot = spec.indexOf('.');
  const intPart = dot < 0 ? spec : spec.slice(0, dot);
  const fracPart = dot < 0 ? '' : spec.slice(dot + 1);
  const minInt = (intPart.match(/0/g) ?? []).length;
  const maxFrac = (fracPart.match(/[0#]/g) ?? []).length;
  const minFrac = (fracPart.match(/0/g) ?? []).length;
  const group = intPart.includes(',');
  let s = Math.abs(n).toFixed(maxFrac);
  let [int, frac = ''] = s.split('.');
  while (frac.length > minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
  int = int.replace(/^0+/, '').padStart(minInt, '0');
  if (group) int = groupThousands(int);
  s = int + (frac ? `.${frac}` : '');
  return n < 0 && Number(s.replace(/,/g, '')) !== 0 ? `-${s}` : s;
}

/** .NET composite formatting: String.Format(format, args). */
export function compositeFormat(format: string, args: Json[]): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = format.indexOf('}', i);
      if (end < 0) throw new ExpressionError('Input string was not in a correct format.');
      const m = /^\s*(\d+)\s*(?:,\s*(-?\d+))?\s*(?::(.*))?$/s.exec(format.slice(i + 1, end));
      if (!m) throw new ExpressionError('Input string was not in a correct format.');
      const index = Number(m[1]);
      if (index >= args.length) {
        throw new ExpressionError(
          'Index (zero based) must be greater than or equal to zero and less than the size of the argument list.',
        );
      }
      const v = args[index];
      let text = m[3] !== undefined && typeof v === 'number' ? formatNumber(v, m[3]) : toText(v);
      if (m[2] !== undefined) {
        const width = Number(m[2]);
        text = width < 0 ? text.padEnd(-width) : text.padStart(width);
      }
      out += text;
      i = end;
    } else if (c === '}') {
      if (format[i + 1] === '}') i++;
      else throw new ExpressionError('Input string was not in a correct format.');
      out += '}';
    } else out += c;
  }
  return out;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const STANDARD_DATE: Record<string, string> = {
  d: 'M/d/yyyy',
  D: 'dddd, MMMM d, yyyy',
  f: 'dddd, MMMM d, yyyy h:mm tt',
  F: 'dddd, MMMM d, yyyy h:mm:ss tt',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  m: 'MMMM d',
  M: 'MMMM d',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  y: 'MMMM yyyy',
  Y: 'MMMM yyyy',
};

/** A DateTime (UTC) in a .NET format; `ticks` are the 100 ns units past the millisecond. */
export function formatDate(date: Date, format: string, ticks = 0): string {
  const pattern = format.length === 1 ? STANDARD_DATE[format] : format;
  if (pattern === undefined) throw new ExpressionError(`The format '${format}' is not valid.`);
  const Y = date.getUTCFullYear();
  const Mo = date.getUTCMonth();
  const D = date.getUTCDate();
  const H = date.getUTCHours();
  const Mi = date.getUTCMinutes();
  const S = date.getUTCSeconds();
  const frac = String(date.getUTCMilliseconds()).padStart(3, '0') + String(ticks).padStart(4, '0');
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'" || c === '"') {
      const end = pattern.indexOf(c, i + 1);
      out += pattern.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (c === '\\') {
      out += pattern[i + 1] ?? '';
      i += 2;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const h12 = H % 12 === 0 ? 12 : H % 12;
    switch (c) {
      case 'y':
        out += n === 2 ? String(Y % 100).padStart(2, '0') : n === 1 ? String(Y % 100) : String(Y).padStart(n, '0');
        break;
      case 'M':
        out += n >= 4 ? MONTHS[Mo] : n === 3 ? MONTHS[Mo].slice(0, 3) : String(Mo + 1).padStart(n, '0');
        break;
      case 'd':
        out += n >= 4 ? DAYS[date.getUTCDay()] : n === 3 ? DAYS[date.getUTCDay()].slice(0, 3) : String(D).padStart(n, '0');
        break;
      case 'H':
        out += String(H).padStart(n, '0');
        break;
      case 'h':
        out += String(h12).padStart(Math.min(n, 2), '0');
        break;
      case 'm':
        out += String(Mi).padStart(Math.min(n, 2), '0');
        break;
      case 's':
        out += String(S).padStart(Math.min(n, 2), '0');
        break;
      case 'f':
        out += frac.slice(0, n);
        break;
      case 'F':
        out += frac.slice(0, n).replace(/0+$/, '');
        break;
      case 't':
        out += n === 1 ? (H < 12 ? 'A' : 'P') : H < 12 ? 'AM' : 'PM';
        break;
      case 'z':
        out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        break;
      case 'K':
        out += 'Z';
        break;
      default:
        out += c.repeat(n);
    }
    i += n;
  }
  return out;
}

/** Parses the date-times templates give: ISO 8601 and the `yyyyMMddTHHmmssZ` of utcNow(). */
export function parseDate(text: string): Date {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', f = '0', zone] = iso;
    let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(`0.${f}`) * 1000);
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
    }
    return new Date(ms);
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))? ?(AM|PM)?)?$/i.exec(text.trim());
  if (us) {
    const [, mo, d, y, h = '0', mi = '0', s = '0', ampm] = us;
    let hour = +h;
    if (ampm) hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    return new Date(Date.UTC(+y, +mo - 1, +d, hour, +mi, +s));
  }
  throw new ExpressionError(`The string '${text}' was not recognized as a valid DateTime.`);
}

/** Adds an ISO 8601 duration (P1Y2M3DT4H5M6.5S, W weeks, a leading '-' subtracts). */
export function addDuration(date: Date, duration: string): Date {
  const m = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
    duration,
  );
  if (!m || duration.replace(/^-/, '').toUpperCase() === 'P' || /T$/i.test(duration)) {
    throw new ExpressionError(`The provided duration '${duration}' is not a valid ISO 8601 duration.`);
  }
  const sign = m[1] ? -1 : 1;
  const num = (i: number) => Number(m[i] ?? 0) * sign;
  // Years and months as .NET adds them: the day is clamped to the target month's length.
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth() + num(2) * 12 + num(3);
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const d = new Date(date.getTime());
  d.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  const ms = ((num(4) * 7 + num(5)) * 86400 + num(6) * 3600 + num(7) * 60 + num(8)) * 1000;
  return new Date(d.getTime() + ms);
}
