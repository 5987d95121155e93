/**
 * Conversions between the agent's JSON values and CEL values (docs/compatibility.md#mutations):
 * `self`/`other` as cel-go sees Kubernetes unstructured objects (integral numbers are `int`, others
 * `double`), `value` as gjson's Value() (every number a `double`), and the JSON text cel-go's result
 * becomes when the agent hands the `ref.Val` to sjson (Go `encoding/json` of cel-go's wrapper types).
 */
import { celMap, isCelList, isCelMap, isCelUint, isCelType, type CelInput } from '@bufbuild/cel';

/**
 * cel-go's map presence (`has(m.f)`, `"f" in m`) is key presence; @bufbuild/cel 0.6.1's native map
 * answers false for a key holding null. JSON objects carry explicit nulls, so make presence a key
 * check (for keys the map was given as-is; other lookups keep the library's behaviour).
 */
function patchNullPresence(): void {
  const proto = Object.getPrototypeOf(celMap(new Map())) as {
    has?: (key: unknown) => boolean;
    __keyPresence?: boolean;
  };
  const original = proto.has;
  if (!original || proto.__keyPresence) return;
  proto.has = function (this: { _map?: Map<unknown, unknown> }, key: unknown): boolean {
    if (original.call(this, key)) return true;
    return typeof key === 'string' && this._map instanceof Map && this._map.has(key);
  };
  proto.__keyPresence = true;
}
patchNullPresence();
import { goQuote } from '../json/marshal.js';
import { formatTimestamp, timestampOffset } from './gofuncs.js';

/** A decoded object as cel-go input; `intsAsInt`: integral numbers become CEL ints (BigInt). */
export function toCelInput(v: unknown, intsAsInt: boolean): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return intsAsInt && Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : v;
  if (typeof v === 'bigint') return intsAsInt ? v : Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => toCelInput(x, intsAsInt)) as CelInput;
  if (typeof v === 'object') {
    const m = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, toCelInput(x, intsAsInt));
    return m as CelInput;
  }
  throw new Error(`unsupported value of type ${typeof v}`);
}

export class CelResultError extends Error {
  override name = 'CelResultError';
}

/**
 * The JSON text `json.Marshal(ref.Val)` produces in the Go agent (verified with the oracle): strings,
 * ints, uints, doubles and bools as themselves; `null` as `0` (NullValue is an int enum); bytes as
 * base64; lists and maps as `{"Adapter":{}}` (cel-go's wrappers expose only their type adapter);
 * durations as `{"Duration":<ns>}`; timestamps as RFC 3339; type values as `{}`.
 */
export function celResultToJson(r: unknown): string {
  if (r === null) return '0';
  switch (typeof r) {
    case 'string':
      return goQuote(r);
    case 'bigint':
      return r.toString();
    case 'boolean':
      return r ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(r)) throw new CelResultError('json: unsupported value: NaN');
      if (!Number.isFinite(r))
        throw new CelResultError(`json: unsupported value: ${r > 0 ? '+Inf' : '-Inf'}`);
      return Object.is(r, -0) ? '-0' : String(r);
  }
  if (r instanceof Uint8Array) return goQuote(Buffer.from(r).toString('base64'));
  if (isCelUint(r)) return (r as { value: bigint }).value.toString();
  if (isCelList(r) || isCelMap(r)) return '{"Adapter":{}}';
  if (isCelType(r)) return '{}';
  const msg = r as { desc?: { typeName?: string }; message?: Record<string, unknown> };
  const typeName = msg.desc?.typeName;
  const fields = (msg.message ?? r) as { seconds?: bigint | number; nanos?: number };
  if (typeName === 'google.protobuf.Duration') {
    const ns = BigInt(fields.seconds ?? 0) * 1_000_000_000n + BigInt(fields.nanos ?? 0);
    return `{"Duration":${ns}}`;
  }
  if (typeName === 'google.protobuf.Timestamp') {
    const t = { seconds: BigInt(fields.seconds ?? 0), nanos: fields.nanos ?? 0 };
    return goQuote(formatTimestamp(t, timestampOffset(fields)));
  }
  throw new CelResultError(`unsupported CEL result ${typeName ?? typeof r}`);
}
