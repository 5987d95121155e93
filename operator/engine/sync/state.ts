import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { goMarshal } from '../../golang/json/marshal.js';
import { LABEL_OBJECT_STATE } from './keys.js';
import { stripMetadata, withoutSubresources } from './strip.js';
import { deepCopy, type Unstructured } from './unstructured.js';

/**
 * The "last known state" of a synced object as stored in its primary's state Secret
 * (docs/compatibility.md#state-secrets): compact Go-JSON of the stripped object without subresource keys.
 */
export function encodeState(source: Unstructured, subresources: readonly string[]): string {
  return goMarshal(withoutSubresources(stripMetadata(source), subresources));
}

/**
 * Decodes a stored state value. Anything that is not a JSON object with a `kind` counts as no state,
 * which sends the sync down its full-update path instead of failing, as in the Go agent.
 */
export function decodeState(raw: string | undefined): Unstructured | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  if (typeof (v as Unstructured).kind !== 'string' || (v as Unstructured).kind === '') return undefined;
  return v as Unstructured;
}

/**
 * Large states (docs/differences-from-go-agent.md, "State of objects near the size limit").
 *
 * Kubernetes refuses Secrets whose data exceed 1 MiB, and a primary's state Secret holds its own state
 * plus those of its related objects. An entry is stored in the Go agent's format (the plain JSON) when
 * the Secret stays within STATE_SECRET_BUDGET with it. Otherwise it is gzip-compressed, marked with
 * GZIP_MARKER; and when that still does not fit, the compressed bytes go into "part" Secrets next to
 * the state Secret (`<state secret>-<entry hash>-<i>`, same labels, one `part` key each) and the entry
 * holds PARTS_MARKER + a small JSON manifest (count, total size, SHA-256). Neither marker is JSON, so
 * an agent that does not know them reads "no state" and takes its full-update path.
 */
export const SECRET_DATA_LIMIT = 1024 * 1024;
/** What the sync lets a state Secret's data grow to (the rest is margin for keys and rounding). */
export const STATE_SECRET_BUDGET = SECRET_DATA_LIMIT - 16 * 1024;
/** Bytes per part Secret. */
export const STATE_PART_SIZE = 768 * 1024;
export const GZIP_MARKER = 'syncagent.kcp.io/gzip:';
export const PARTS_MARKER = 'syncagent.kcp.io/parts:';
/** Decompressed states larger than this are treated as corrupt (no state). */
const MAX_STATE_BYTES = 64 * 1024 * 1024;
const PART_KEY = 'part';

interface PartsManifest {
  parts: number;
  size: number;
  sha256: string;
}

/** The name of part `index` of the state entry `key` in Secret `secretName`. */
export function statePartName(secretName: string, key: string, index: number): string {
  return `${secretName}-${createHash('sha1').update(key).digest('hex').slice(0, 10)}-${index}`;
}

/**
 * Whether `name` is a part Secret of state Secret `secretName` (of any entry), referenced or not:
 * parts outlive their entry when another agent overwrote it with a plain state.
 */
export function isStatePartOf(secretName: string, name: string): boolean {
  return name.startsWith(`${secretName}-`) && /^[0-9a-f]{10}-\d+$/.test(name.slice(secretName.length + 1));
}

/** Names of the part Secrets that the entries `keys` (default: all) of a state Secret point to. */
export function statePartsOf(secret: Unstructured | undefined, keys?: Iterable<string>): string[] {
  const name = secret?.metadata?.name;
  if (typeof name !== 'string') return [];
  const out: string[] = [];
  for (const k of keys ?? Object.keys(secret?.data ?? {})) {
    const raw = secretBytes(secret, k);
    if (!raw || !startsWith(raw, PARTS_MARKER)) continue;
    const m = parseManifest(raw);
    for (let i = 0; i < (m?.parts ?? 0); i++) out.push(statePartName(name, k, i));
  }
  return out;
}

function parseManifest(raw: Buffer): PartsManifest | undefined {
  let m: PartsManifest;
  try {
    m = JSON.parse(raw.subarray(PARTS_MARKER.length).toString('utf8')) as PartsManifest;
  } catch {
    return undefined;
  }
  if (!m || !Number.isSafeInteger(m.parts) || m.parts < 1 || m.parts > 64) return undefined;
  if (!Number.isSafeInteger(m.size) || typeof m.sha256 !== 'string') return undefined;
  return m;
}

function secretBytes(secret: Unstructured | undefined, key: string): Buffer | undefined {
  const b64 = secret?.data?.[key];
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64') : undefined;
}

function startsWith(buf: Buffer, marker: string): boolean {
  return buf.length >= marker.length && buf.subarray(0, marker.length).toString('latin1') === marker;
}

function gunzipOrUndefined(buf: Buffer): string | undefined {
  try {
    return gunzipSync(buf, { maxOutputLength: MAX_STATE_BYTES }).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Reads one state entry of a state Secret, in any of the three forms; `part(name)` returns a part
 * Secret (from a cache). A damaged compressed entry, a missing part or a checksum mismatch (a write
 * that was interrupted) reads as no state, which the sync handles like any missing state.
 */
export function readStateEntry(
  secret: Unstructured | undefined,
  key: string,
  part: (name: string) => Unstructured | undefined = () => undefined,
): string | undefined {
  const raw = secretBytes(secret, key);
  if (raw === undefined) return undefined;
  if (startsWith(raw, GZIP_MARKER)) return gunzipOrUndefined(raw.subarray(GZIP_MARKER.length));
  if (!startsWith(raw, PARTS_MARKER)) return raw.toString('utf8');
  const m = parseManifest(raw);
  if (!m) return undefined;
  const secretName = secret?.metadata?.name as string;
  const pieces: Buffer[] = [];
  for (let i = 0; i < m.parts; i++) {
    const b = secretBytes(part(statePartName(secretName, key, i)), PART_KEY);
    if (!b) return undefined;
    pieces.push(b);
  }
  const all = Buffer.concat(pieces);
  if (all.length !== m.size || createHash('sha256').update(all).digest('hex') !== m.sha256) return undefined;
  return gunzipOrUndefined(all);
}

function dataSize(data: Record<string, unknown>, skip: ReadonlySet<string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(data))
    if (!skip.has(k) && typeof v === 'string') n += Buffer.from(v, 'base64').length;
  return n;
}

export interface StateWritePlan {
  /** The state Secret to create or update. */
  secret: Unstructured;
  /** Part Secrets to create or update first (name and bytes of their `part` key). */
  parts: { name: string; bytes: Buffer }[];
  /** Part Secrets no longer referenced once `secret` is written (delete last). */
  obsoleteParts: string[];
}

/**
 * The writes that store `entries` (state key → encoded state) for the primary's state Secret:
 * `existing` is the current Secret (or undefined).
 * Labels are overwritten with the primary's object-key labels plus `syncagent.kcp.io/object-state`;
 * other data keys are kept.
 */
export function planStateWrite(
  existing: Unstructured | undefined,
  ref: { name: string; namespace: string; labels: Record<string, string> },
  entries: Record<string, string>,
): StateWritePlan {
  const before = statePartsOf(existing, Object.keys(entries));
  const secret: Unstructured = existing
    ? deepCopy(existing)
    : { apiVersion: 'v1', kind: 'Secret', metadata: { name: ref.name, namespace: ref.namespace } };
  secret.metadata.labels = { ...ref.labels, [LABEL_OBJECT_STATE]: 'true' };
  const data: Record<string, string> = { ...(secret.data ?? {}) };
  secret.data = data;
  const written = new Set(Object.keys(entries));
  let used = dataSize(data, written);
  const parts: StateWritePlan['parts'] = [];
  const keptParts = new Set<string>();
  for (const [k, v] of Object.entries(entries)) {
    const plain = Buffer.from(v, 'utf8');
    let stored: Buffer;
    if (used + plain.length <= STATE_SECRET_BUDGET) {
      stored = plain; // the Go agent's format
    } else {
      const gz = gzipSync(plain, { level: 9 });
      const inline = Buffer.concat([Buffer.from(GZIP_MARKER, 'latin1'), gz]);
      if (used + inline.length <= STATE_SECRET_BUDGET) {
        stored = inline;
      } else {
        const n = Math.max(1, Math.ceil(gz.length / STATE_PART_SIZE));
        for (let i = 0; i < n; i++) {
          const name = statePartName(ref.name, k, i);
          parts.push({ name, bytes: gz.subarray(i * STATE_PART_SIZE, (i + 1) * STATE_PART_SIZE) });
          keptParts.add(name);
        }
        const manifest: PartsManifest = {
          parts: n,
          size: gz.length,
          sha256: createHash('sha256').update(gz).digest('hex'),
        };
        stored = Buffer.from(PARTS_MARKER + JSON.stringify(manifest), 'utf8');
      }
    }
    used += stored.length;
    data[k] = stored.toString('base64');
  }
  // parts of the written entries that the new values do not use any more
  const obsoleteParts = before.filter((name) => !keptParts.has(name));
  return { secret, parts, obsoleteParts };
}

/** A part Secret of a state Secret (same labels; one `part` key). */
export function statePartSecret(
  existing: Unstructured | undefined,
  ref: { name: string; namespace: string; labels: Record<string, string> },
  bytes: Buffer,
): Unstructured {
  const secret: Unstructured = existing
    ? deepCopy(existing)
    : { apiVersion: 'v1', kind: 'Secret', metadata: { name: ref.name, namespace: ref.namespace } };
  secret.metadata.labels = { ...ref.labels, [LABEL_OBJECT_STATE]: 'true' };
  secret.data = { [PART_KEY]: bytes.toString('base64') };
  return secret;
}
