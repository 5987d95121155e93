/**
 * Sprig's certificate helpers (genCA, genCAWithKey, genSelfSignedCert[WithKey], genSignedCert[WithKey],
 * buildCustomCert) with Node's crypto. Node can sign but not build X.509, so the TBSCertificate is
 * assembled here in DER with the fields Go's x509.CreateCertificate writes for Sprig's templates:
 * v3, random 128-bit serial, CN-only subject, validity now..now+days, key usage, extended key usage
 * (server+client auth), basic constraints, SANs, and a subject key identifier for CAs.
 * Results are `sprig.certificate` structs with `.Cert` and `.Key` (PEM).
 *
 * Not built with a certificate package: node-forge signs certificates with RSA keys only (Sprig's
 * `...WithKey` functions take ECDSA and Ed25519 keys too), and @peculiar/x509 builds them through
 * WebCrypto, which is asynchronous, while template functions run synchronously. Parsing and
 * signing are Node's; only the DER of the TBSCertificate is written here.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { TemplateEnvironment } from '../template/environment.js';
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { GoInt, GoStruct, NO_VALUE, typeOf } from '../template/value.js';
import { sprint } from '../template/fmt.js';

// ---- minimal DER ----
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const nullDer = (): Buffer => Buffer.from([0x05, 0x00]);

function integer(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(s: string): Buffer {
  const parts = s.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function bitString(b: Buffer, unused = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
}

function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest =
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds()) +
    'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p(y % 100) + rest, 'ascii'));
  return tlv(0x18, Buffer.from(String(y).padStart(4, '0') + rest, 'ascii'));
}

function name(cn: string): Buffer {
  if (cn === '') return seq();
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(cn);
  return seq(set(seq(oid('2.5.4.3'), tlv(printable ? 0x13 : 0x0c, Buffer.from(cn, 'utf8')))));
}

/** Reads one TLV at `at`: [tag, headerLength, bodyLength]. */
function readTlv(b: Buffer, at: number): [number, number, number] {
  const tag = b[at]!;
  let l = b[at + 1]!;
  let h = 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + b[at + 2 + i]!;
    h += n;
  }
  return [tag, h, l];
}

/** The subject Name (DER) of a certificate. */
function subjectOf(certDer: Buffer): Buffer {
  let [, h] = readTlv(certDer, 0);
  const tbsStart = h;
  [, h] = readTlv(certDer, tbsStart);
  let at = tbsStart + h;
  const skip = (): void => {
    const [, hh, l] = readTlv(certDer, at);
    at += hh + l;
  };
  if (certDer[at] === 0xa0) skip(); // version
  skip(); // serial
  skip(); // signature algorithm
  skip(); // issuer
  skip(); // validity
  const [, hh, l] = readTlv(certDer, at);
  return certDer.subarray(at, at + hh + l);
}

// ---- keys ----
function algorithmFor(key: KeyObject): { alg: Buffer; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { alg: seq(oid('1.2.840.113549.1.1.11'), nullDer()), hash: 'sha256' };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { alg: seq(oid('1.2.840.10045.4.3.3')), hash: 'sha384' };
      if (curve === 'secp521r1') return { alg: seq(oid('1.2.840.10045.4.3.4')), hash: 'sha512' };
      return { alg: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    }
    case 'ed25519':
      return { alg: seq(oid('1.3.101.112')), hash: null };
    default:
      throw new FuncError(`unsupported key type ${key.asymmetricKeyType}`);
  }
}

function keyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }) as string;
    default:
      return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

function parsePrivateKeyPem(pem: string): KeyObject {
  const m = /-----BEGIN ([A-Z ]+)-----/.exec(pem);
  if (!m) throw new FuncError('parsing private key: no PEM data is found');
  if (m[1] === 'DSA PRIVATE KEY')
    throw new FuncError('parsing private key: DSA keys are not supported by this agent');
  if (!['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY'].includes(m[1]!))
    throw new FuncError(`parsing private key: invalid private key type ${m[1]}`);
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new FuncError(`parsing private key: ${(e as Error).message}`);
  }
}

function pemCert(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

// ---- certificates ----
interface Template {
  cn: string;
  ips: unknown[] | null;
  dns: unknown[] | null;
  days: number;
  isCA: boolean;
}

function ipBytes(ips: unknown[] | null): Buffer[] {
  return (ips ?? []).map((ip) => {
    if (typeof ip !== 'string')
      throw new FuncError(`error parsing ip: ${sprint([ip === NO_VALUE ? null : ip])} is not a string`);
    const v = isIP(ip);
    if (v === 4) return Buffer.from(ip.split('.').map(Number));
    if (v === 6) {
      const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, ''];
      const h = head ? head.split(':') : [];
      const t = tail ? tail.split(':') : [];
      const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
      return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
    }
    throw new FuncError(`error parsing ip: ${ip}`);
  });
}

function dnsNames(dns: unknown[] | null): string[] {
  return (dns ?? []).map((d) => {
    if (typeof d !== 'string')
      throw new FuncError(
        `error processing alternate dns name: ${sprint([d === NO_VALUE ? null : d])} is not a string`,
      );
    return d;
  });
}

function createCertificate(
  env: TemplateEnvironment,
  t: Template,
  subjectKey: KeyObject,
  issuer: { name: Buffer; key: KeyObject } | null,
): string {
  const ips = ipBytes(t.ips);
  const dns = dnsNames(t.dns);
  const pub = createPublicKey(subjectKey);
  const spki = pub.export({ type: 'spki', format: 'der' });
  const signer = issuer?.key ?? subjectKey;
  const { alg, hash } = algorithmFor(signer);
  const now = new Date(env.nowMs());
  const notAfter = new Date(now.getTime() + t.days * 86400000);
  // key usage bits: digitalSignature(0x80) keyEncipherment(0x20) [keyCertSign(0x04)]
  const keyUsage = t.isCA ? bitString(Buffer.from([0xa4]), 2) : bitString(Buffer.from([0xa0]), 5);
  const extensions: Buffer[] = [
    seq(oid('2.5.29.15'), bool(true), octets(keyUsage)),
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))),
    seq(oid('2.5.29.19'), bool(true), octets(t.isCA ? seq(bool(true)) : seq())),
  ];
  if (t.isCA) {
    // Go derives the subject key identifier of CA certificates from the public key bits
    const [, h] = readTlv(spki, 0);
    let at = h;
    const [, ah, al] = readTlv(spki, at);
    at += ah + al;
    const [, bh, bl] = readTlv(spki, at);
    const keyBits = spki.subarray(at + bh + 1, at + bh + bl);
    extensions.push(seq(oid('2.5.29.14'), octets(octets(createHash('sha1').update(keyBits).digest()))));
  }
  if (dns.length > 0 || ips.length > 0) {
    const names = [...dns.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...ips.map((b) => tlv(0x87, b))];
    extensions.push(seq(oid('2.5.29.17'), octets(seq(...names))));
  }
  const serial = BigInt('0x' + Buffer.from(env.randomBytes(16)).toString('hex'));
  const subject = name(t.cn);
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(serial),
    alg,
    issuer?.name ?? subject,
    seq(time(now), time(notAfter)),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(hash, tbs, signer);
  return pemCert(seq(tbs, alg, bitString(signature)));
}

function certificate(cert: string, key: string): GoStruct {
  return new GoStruct({ Cert: cert, Key: key }, 'sprig.certificate');
}

function rsaKey(env: TemplateEnvironment): KeyObject {
  return env.generatePrivateKey({ type: 'rsa', modulusLength: 2048 });
}

function caOf(v: unknown): { name: Buffer; key: KeyObject } {
  if (!(v instanceof GoStruct) || v.typeName !== 'sprig.certificate')
    throw new FuncError(`wrong type for value; expected sprig.certificate; got ${typeOf(v)}`);
  const pem = String(v.fields.Cert ?? '');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw new FuncError('unable to decode certificate');
  }
  return { name: subjectOf(x509.raw), key: parsePrivateKeyPem(String(v.fields.Key ?? '')) };
}

const days = (d: GoInt): number => Number(d.v);

/** The functions; keys, serial numbers and the validity's start come from `env`. */
export const certFuncs = (env: TemplateEnvironment): FuncMap => ({
  genCA: fn(['string', 'int'], (cn: string, d: GoInt) => {
    const k = rsaKey(env);
    return certificate(
      createCertificate(env, { cn, ips: null, dns: null, days: days(d), isCA: true }, k, null),
      keyPem(k),
    );
  }),
  genCAWithKey: fn(['string', 'int', 'string'], (cn: string, d: GoInt, pem: string) => {
    const k = parsePrivateKeyPem(pem);
    return certificate(
      createCertificate(env, { cn, ips: null, dns: null, days: days(d), isCA: true }, k, null),
      keyPem(k),
    );
  }),
  genSelfSignedCert: fn(
    ['string', 'slice', 'slice', 'int'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, d: GoInt) => {
      const k = rsaKey(env);
      return certificate(
        createCertificate(env, { cn, ips, dns, days: days(d), isCA: false }, k, null),
        keyPem(k),
      );
    },
  ),
  genSelfSignedCertWithKey: fn(
    ['string', 'slice', 'slice', 'int', 'string'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, d: GoInt, pem: string) => {
      const k = parsePrivateKeyPem(pem);
      return certificate(
        createCertificate(env, { cn, ips, dns, days: days(d), isCA: false }, k, null),
        keyPem(k),
      );
    },
  ),
  genSignedCert: fn(
    ['string', 'slice', 'slice', 'int', 'any'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, d: GoInt, ca: unknown) => {
      const issuer = caOf(ca);
      const k = rsaKey(env);
      return certificate(
        createCertificate(env, { cn, ips, dns, days: days(d), isCA: false }, k, issuer),
        keyPem(k),
      );
    },
  ),
  genSignedCertWithKey: fn(
    ['string', 'slice', 'slice', 'int', 'any', 'string'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, d: GoInt, ca: unknown, pem: string) => {
      const issuer = caOf(ca);
      const k = parsePrivateKeyPem(pem);
      return certificate(
        createCertificate(env, { cn, ips, dns, days: days(d), isCA: false }, k, issuer),
        keyPem(k),
      );
    },
  ),
  buildCustomCert: fn(['string', 'string'], (b64cert: string, b64key: string) => {
    const valid = (s: string): boolean => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
    if (!valid(b64cert)) throw new FuncError('unable to decode base64 certificate');
    if (!valid(b64key)) throw new FuncError('unable to decode base64 private key');
    const cert = Buffer.from(b64cert, 'base64').toString('utf8');
    const key = Buffer.from(b64key, 'base64').toString('utf8');
    if (!/-----BEGIN [A-Z ]+-----/.test(cert)) throw new FuncError('unable to decode certificate');
    try {
      new X509Certificate(cert);
    } catch (e) {
      throw new FuncError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
    }
    try {
      parsePrivateKeyPem(key);
    } catch (e) {
      throw new FuncError(
        `error parsing private key: ${(e as Error).message.replace(/^parsing private key: /, '')}`,
      );
    }
    return certificate(cert, key);
  }),
});
