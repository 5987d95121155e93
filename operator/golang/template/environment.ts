/**
 * What the few non-hermetic Sprig functions (`now`, the `date` family, `ago`, `env`, `expandenv`, the
 * `rand*` family, `shuffle`, `uuidv4`, `bcrypt`, `htpasswd`, `genPrivateKey`, `encryptAES`, the
 * `gen*Cert*` family) read from the world: the clock, the process environment and randomness. The
 * template engine never reads them itself; it is handed an environment at compile time
 * (CompileOptions.environment) or uses the one the process installed with useTemplateEnvironment
 * (the agent and pubres-toolkit install the real one at start-up, see
 * runtime/process-environment.ts). Tests pass fixed ones (fixedTemplateEnvironment).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { FuncError } from './funcs.js';

export type PrivateKeySpec =
  { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: 'P-256' } | { type: 'ed25519' };

export interface TemplateEnvironment {
  /** The current time in milliseconds since the epoch. */
  nowMs(): number;
  /** An environment variable's value; undefined when unset. */
  lookupEnv(name: string): string | undefined;
  /** `n` bytes from a cryptographically strong source (salts, IVs, serial numbers, rand*). */
  randomBytes(n: number): Uint8Array;
  /** A uniformly distributed integer in [0, max), max <= 2^48. */
  randomInt(max: number): number;
  /** A new private key (genPrivateKey, genCA, genSelfSignedCert, genSignedCert). */
  generatePrivateKey(spec: PrivateKeySpec): KeyObject;
}

/** A uniformly distributed bigint in [0, bound), bound > 0, from the environment's random bytes. */
export function randomBelow(env: TemplateEnvironment, bound: bigint): bigint {
  const bytes = Math.ceil(bound.toString(16).length / 2);
  const range = 1n << BigInt(bytes * 8);
  const limit = range - (range % bound);
  for (;;) {
    const v = BigInt('0x' + (Buffer.from(env.randomBytes(bytes)).toString('hex') || '0'));
    if (v < limit) return v % bound;
  }
}

/** The environment used when no compile option and no installed one give any: every read fails. */
export const unconfiguredTemplateEnvironment: TemplateEnvironment = {
  nowMs: () => unconfigured('the clock'),
  lookupEnv: () => unconfigured('environment variables'),
  randomBytes: () => unconfigured('randomness'),
  randomInt: () => unconfigured('randomness'),
  generatePrivateKey: () => unconfigured('randomness'),
};

function unconfigured(what: string): never {
  throw new FuncError(`${what} is not available to this template (no template environment is configured)`);
}

export interface FixedTemplateEnvironmentOptions {
  /** The time `now` returns, in milliseconds since the epoch (default 2024-01-01T00:00:00Z). */
  nowMs?: number;
  /** Environment variables (default none). */
  env?: Record<string, string>;
  /** Seed of the deterministic byte stream (default "template"). */
  seed?: string;
  /** Where private keys come from (default: none, key generation fails). */
  privateKey?: (spec: PrivateKeySpec) => KeyObject;
}

/**
 * A deterministic environment for tests and reproducible tools: a frozen clock, the given variables
 * and a byte stream derived from the seed (SHA-256 in counter mode; not for secrets). Private keys come
 * from `privateKey`, once per spec: repeated calls return the same key.
 */
export function fixedTemplateEnvironment(opts: FixedTemplateEnvironmentOptions = {}): TemplateEnvironment {
  const nowMs = opts.nowMs ?? Date.UTC(2024, 0, 1);
  const vars = opts.env ?? {};
  const seed = opts.seed ?? 'template';
  let counter = 0;
  let pool = Buffer.alloc(0);
  const randomBytes = (n: number): Uint8Array => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return Uint8Array.from(out);
  };
  const env: TemplateEnvironment = {
    nowMs: () => nowMs,
    lookupEnv: (name) => (Object.hasOwn(vars, name) ? vars[name] : undefined),
    randomBytes,
    randomInt: (max) => Number(randomBelow(env, BigInt(max))),
    generatePrivateKey: (spec) => {
      const key = JSON.stringify(spec);
      let k = keys.get(key);
      if (!k) {
        if (!opts.privateKey) throw new FuncError('no private key source in this template environment');
        k = opts.privateKey(spec);
        keys.set(key, k);
      }
      return k;
    },
  };
  const keys = new Map<string, KeyObject>();
  return env;
}
