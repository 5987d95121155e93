/**
 * Sprig v3.3.0 crypto functions implemented with Node's crypto: derivePassword (Master Password
 * algorithm, deterministic), genPrivateKey (rsa, ecdsa, ed25519 PEM), encryptAES / decryptAES
 * (AES-256-CBC, PKCS#7, random IV, base64 — decryptAES accepts Go's ciphertexts).
 * DSA keys are not supported ("... not supported by this agent"); bcrypt/htpasswd live in bcrypt.ts and
 * the certificate builders in certs.ts.
 */
import { createCipheriv, createDecipheriv, createHmac, scryptSync } from 'node:crypto';
import type { TemplateEnvironment } from '../template/environment.js';
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import type { GoInt } from '../template/value.js';
import { goDecode, goEncode } from '../template/gostrings.js';

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function derivePassword(
  counter: GoInt,
  passwordType: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = Object.hasOwn(PASSWORD_TEMPLATES, passwordType)
    ? PASSWORD_TEMPLATES[passwordType]!
    : null;
  if (!templates) return `cannot find password template ${passwordType}`;
  const userB = goEncode(user);
  const salt = Buffer.concat([Buffer.from(MASTER_PASSWORD_SEED), u32(userB.length), userB]);
  const key = scryptSync(goEncode(password), salt, 64, {
    N: 32768,
    r: 8,
    p: 2,
    maxmem: 128 * 1024 * 1024,
  });
  const siteB = goEncode(site);
  const msg = Buffer.concat([
    Buffer.from(MASTER_PASSWORD_SEED),
    u32(siteB.length),
    siteB,
    u32(Number(BigInt.asUintN(32, counter.v))),
  ]);
  const seed = createHmac('sha256', key).update(msg).digest();
  const temp = templates[seed[0]! % templates.length]!;
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = TEMPLATE_CHARACTERS[temp[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

export function genPrivateKey(typ: string, env: TemplateEnvironment): string {
  switch (typ) {
    case '':
    case 'rsa':
      return env.generatePrivateKey({ type: 'rsa', modulusLength: 4096 }).export({
        type: 'pkcs1',
        format: 'pem',
      }) as string;
    case 'ecdsa':
      return env.generatePrivateKey({ type: 'ec', namedCurve: 'P-256' }).export({
        type: 'sec1',
        format: 'pem',
      }) as string;
    case 'ed25519':
      return env.generatePrivateKey({ type: 'ed25519' }).export({ type: 'pkcs8', format: 'pem' }) as string;
    case 'dsa':
      throw new FuncError('genPrivateKey: dsa keys are not supported by this agent');
    default:
      return 'Unknown type ' + typ;
  }
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  goEncode(password).copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string, env: TemplateEnvironment): string {
  if (plaintext === '') return '';
  const iv = env.randomBytes(16);
  const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, c.update(goEncode(plaintext)), c.final()]).toString('base64');
}

export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(crypt64) || crypt64.length % 4 !== 0)
    throw new FuncError(
      `illegal base64 data at input byte ${Math.max(0, crypt64.search(/[^A-Za-z0-9+/=]/))}`,
    );
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 16)
    throw new FuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new FuncError('crypto/cipher: input not full blocks');
  const d = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  if (plain.length === 0) throw new FuncError('runtime error: index out of range [-1]');
  const pad = plain[plain.length - 1]!;
  if (pad > plain.length)
    throw new FuncError(`runtime error: slice bounds out of range [:${plain.length - pad}]`);
  return goDecode(plain.subarray(0, plain.length - pad));
}

/** The functions; keys and IVs come from `env`. */
export const cryptoFuncs = (env: TemplateEnvironment): FuncMap => ({
  derivePassword: fn(['uint32', 'string', 'string', 'string', 'string'], derivePassword),
  genPrivateKey: fn(['string'], (typ: string) => genPrivateKey(typ, env)),
  encryptAES: fn(['string', 'string'], (password: string, plaintext: string) =>
    encryptAES(password, plaintext, env),
  ),
  decryptAES: fn(['string', 'string'], decryptAES),
});
