/**
 * bcrypt ($2a$, as golang.org/x/crypto/bcrypt produces it) for sprig's `bcrypt` and `htpasswd`.
 * Written here rather than taken from bcryptjs: that package only accepts JavaScript strings and
 * UTF-8-encodes them itself, so a Go string that is not valid UTF-8 (a character cut by `trunc`,
 * carried as U+DC80..U+DCFF, see ../gostrings.ts) would be hashed as other bytes than Go hashes
 * (bcrypt.test.ts has Go's hashes of such strings).
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of π; rather than embedding 4 KiB of
 * constants they are computed once (Machin's formula on BigInt, a few milliseconds) on first use.
 */
import type { TemplateEnvironment } from '../template/environment.js';
import { goEncode } from '../template/gostrings.js';

const WORDS = 18 + 4 * 256;
let PI_WORDS: Uint32Array | null = null;

/** The first `n` 32-bit words of the fractional part of π (Blowfish: P[0] = 0x243f6a88). */
function piWords(n: number): Uint32Array {
  const bits = BigInt(32 * n + 64);
  const one = 1n << bits;
  const arctanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      sum += (k % 2n === 1n ? -term : term) / (2n * k + 1n);
    }
    return sum;
  };
  const pi = 4n * (4n * arctanInv(5n) - arctanInv(239n));
  let frac = (pi - 3n * one) >> 64n;
  const out = new Uint32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(frac & 0xffffffffn);
    frac >>= 32n;
  }
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    PI_WORDS ??= piWords(WORDS);
    this.p = PI_WORDS.slice(0, 18);
    this.s = PI_WORDS.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (
      (((s[x >>> 24]! + s[256 + ((x >>> 16) & 0xff)]!) ^ s[512 + ((x >>> 8) & 0xff)]!) +
        s[768 + (x & 0xff)]!) >>>
      0
    );
  }

  encrypt(l: number, r: number): [number, number] {
    const p = this.p;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ p[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ p[i + 1]!) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    l = (l ^ p[16]!) >>> 0;
    r = (r ^ p[17]!) >>> 0;
    return [r, l];
  }

  /** Blowfish key schedule; with a salt this is bcrypt's expandKeyWithSalt. */
  expandKey(key: Uint8Array, salt: Uint8Array | null): void {
    let kpos = 0;
    const keyWord = (): number => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | key[kpos]!) >>> 0;
        kpos = (kpos + 1) % key.length;
      }
      return w;
    };
    let spos = 0;
    const saltWord = (): number => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | salt![spos]!) >>> 0;
        spos = (spos + 1) % salt!.length;
      }
      return w;
    };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ keyWord()) >>> 0;
    let l = 0;
    let r = 0;
    const fill = (arr: Uint32Array): void => {
      for (let i = 0; i < arr.length; i += 2) {
        if (salt) {
          l = (l ^ saltWord()) >>> 0;
          r = (r ^ saltWord()) >>> 0;
        }
        [l, r] = this.encrypt(l, r);
        arr[i] = l;
        arr[i + 1] = r;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bcryptBase64(b: Uint8Array): string {
  return Buffer.from(b)
    .toString('base64')
    .replace(/=+$/, '')
    .replace(/[A-Za-z0-9+/]/g, (c) => BCRYPT_ALPHABET[STD_ALPHABET.indexOf(c)]!);
}

export function bcryptDecodeBase64(s: string): Uint8Array {
  const std = s.replace(/./g, (c) => STD_ALPHABET[BCRYPT_ALPHABET.indexOf(c)]!);
  return Buffer.from(std + '='.repeat((4 - (std.length % 4)) % 4), 'base64');
}

/** bcrypt hash of `password` with a given 16-byte salt and cost (4..31). */
export function bcryptHash(password: Uint8Array, salt: Uint8Array, cost: number): string {
  const key = Buffer.concat([password, Buffer.from([0])]);
  const bf = new Blowfish();
  bf.expandKey(key, salt);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    bf.expandKey(key, null);
    bf.expandKey(salt, null);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt');
  for (let i = 0; i < 24; i += 8) {
    let l = text.readUInt32BE(i);
    let r = text.readUInt32BE(i + 4);
    for (let k = 0; k < 64; k++) [l, r] = bf.encrypt(l, r);
    text.writeUInt32BE(l, i);
    text.writeUInt32BE(r, i + 4);
  }
  return `$2a$${String(cost).padStart(2, '0')}$${bcryptBase64(salt)}${bcryptBase64(text.subarray(0, 23))}`;
}

/** sprig's bcrypt: DefaultCost 10, random salt; errors are returned as text like sprig does. */
export function sprigBcrypt(input: string, env: TemplateEnvironment): string {
  const pw = goEncode(input);
  if (pw.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  return bcryptHash(pw, Buffer.from(env.randomBytes(16)), 10);
}

export function sprigHtpasswd(username: string, password: string, env: TemplateEnvironment): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  return `${username}:${sprigBcrypt(password, env)}`;
}
