/**
 * CRD decoding without losing integer precision. JavaScript numbers hold integers exactly only up to
 * 2^53; Go decodes a CRD's int64 fields (maxLength, maxItems, ...) exactly and keeps JSON-typed fields
 * (default, enum, example) as their raw text, so an integer above 2^53 there must survive decoding or
 * the APIResourceSchema's content hash would change. Integers outside the safe range become bigint;
 * float64 fields (maximum, minimum, multipleOf) are rounded by the encoder as Go rounds them.
 */
import { parse as parseYaml } from 'yaml';
import type { CustomResourceDefinition } from './types.js';

/** Safe integers as numbers, larger ones as bigint, everything else unchanged. */
function settle(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  if (Array.isArray(v)) return v.map(settle);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = settle(x);
    return out;
  }
  return v;
}

/** JSON text -> value, integer literals beyond 2^53 as bigint. */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, (_key, value, ctx?: { source?: string }) => {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      ctx?.source &&
      /^-?\d+$/.test(ctx.source)
    )
      return BigInt(ctx.source);
    return value;
  });
}

/** A CRD from JSON text (an API response body) without losing integer precision. */
export function parseCrdJson(text: string): CustomResourceDefinition {
  return parseJsonLossless(text) as CustomResourceDefinition;
}

/** A CRD from YAML text without losing integer precision. */
export function parseCrdYaml(text: string): CustomResourceDefinition {
  return settle(parseYaml(text, { intAsBigInt: true })) as CustomResourceDefinition;
}
