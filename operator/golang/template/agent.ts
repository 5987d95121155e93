/**
 * The agent's own template functions: sha3sum, sha3short and shortHash, added to Sprig's for naming and
 * related-object templates. `join` stays Sprig's `join SEP LIST` everywhere, as in every released Go agent.
 */
import { createHash } from 'node:crypto';
import { FuncError, type FuncMap } from './funcs.js';
import { GoBytes, GoInt, intValue, isIntValue, typeOf } from './value.js';
import { goEncode } from './gostrings.js';
import { goJson } from '../sprig/cast.js';

export function sha3sum(s: string): string {
  return createHash('sha3-256').update(goEncode(s)).digest('hex');
}

export function sha3short(s: string, ...lengths: unknown[]): string {
  if (lengths.length > 1)
    throw new FuncError(`sha3short: expected at most one length argument, got ${lengths.length}`);
  let n = 20;
  if (lengths.length === 1) {
    const l = lengths[0];
    if (!isIntValue(l)) throw new FuncError(`sha3short: invalid length ${typeOf(l)}`);
    const v = intValue(l);
    if (v <= 0n) throw new FuncError(`sha3short: invalid length ${v}`);
    n = v > 64n ? 64 : Number(v);
  }
  return sha3sum(s).slice(0, n);
}

/** SHA-1 (first 20 hex chars) of a string, a byte slice, or the Go-JSON encoding (+ newline) of anything else. */
export function shortHash(v: unknown): string {
  const h = createHash('sha1');
  if (typeof v === 'string') h.update(goEncode(v));
  else if (v instanceof GoBytes) h.update(v.b);
  else h.update(goJson(v) + '\n', 'utf8');
  return h.digest('hex').slice(0, 20);
}

export const agentFuncs: FuncMap = {
  sha3sum: { params: ['string'], fn: sha3sum },
  sha3short: { params: ['string'], variadic: 'int', fn: sha3short },
  shortHash: { params: ['any'], fn: shortHash },
};

export { GoInt };
