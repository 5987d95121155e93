import { processEnvironment } from '../../runtime/process-environment.js';
import { fixedTemplateEnvironment } from '../template/environment.js';
import { goEncode } from '../template/gostrings.js';
import { bcryptDecodeBase64, bcryptHash, sprigBcrypt, sprigHtpasswd } from './bcrypt.js';

const env = processEnvironment;

/** Hashes produced by golang.org/x/crypto/bcrypt v0.58.0 (GenerateFromPassword). */
const GO_VECTORS: [string, string][] = [
  ['password', '$2a$04$TDhhgc93mugHLVfJdEkGNeIr2GtyixMZo0v9pY9vOdj9aThfg64bC'],
  ['', '$2a$04$UPU9FgEVrt1iZAIddkT4DuHFQywooJWIUR760ZYg3sbt9jyr7OFpS'],
  ['ünïcödé', '$2a$04$9HhKKIrfBgUxNm2FK8IGxuLDzhqJV/GLM4Un5CrtUcU6PL9TGuoNi'],
  [
    'a-72-byte-password-0123456789012345678901234567890123456789012345678901',
    '$2a$04$bY1osYRWR6xVwRbnFSwjU.xyq2gabpaT7QLXoxVJrH8lhwRJa.vvq',
  ],
  ['password', '$2a$10$jtPW3sfIPVRZ8doMVY70N.dpQzUqPcHC1phoIptKp6EF8ugbndHaO'],
];

/**
 * Go strings that are not valid UTF-8 (e.g. `trunc 2 "hé"`), hashed by golang.org/x/crypto/bcrypt
 * v0.50.0 over their raw bytes; the engine carries such bytes as U+DC80..U+DCFF (gostrings.ts).
 */
const GO_RAW_BYTE_VECTORS: [string, string][] = [
  ['h\udcc3', '$2a$04$emflV.5uZY3Zj2gmW1hyCuFL./WQa0AoQM7YEvNTcFdILck6uqWAa'],
  ['a\udc80b', '$2a$04$zK5yxvKo6N5sWskwdoH/zuUTTnv93gR7dt8U/dRnBiQok07rQBQkK'],
];

describe('bcrypt', () => {
  it.each(GO_RAW_BYTE_VECTORS)('hashes the raw bytes of the Go string %j like Go', (password, hash) => {
    const salt = bcryptDecodeBase64(hash.slice(7, 29));
    expect(bcryptHash(goEncode(password), salt, 4)).toBe(hash);
  });

  it.each(GO_VECTORS)('reproduces Go’s hash of %j from its salt', (password, hash) => {
    const cost = Number(hash.slice(4, 6));
    const salt = bcryptDecodeBase64(hash.slice(7, 29));
    expect(bcryptHash(Buffer.from(password, 'utf8'), salt, cost)).toBe(hash);
  });

  it('sprig bcrypt/htpasswd give $2a$10$ hashes with random salts and sprig’s error texts', () => {
    const h = sprigBcrypt('secret', env);
    expect(h).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(sprigBcrypt('secret', env)).not.toBe(h);
    expect(sprigBcrypt('x'.repeat(73), env)).toBe(
      'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes',
    );
    expect(sprigHtpasswd('user', 'pw', env)).toMatch(/^user:\$2a\$10\$/);
    expect(sprigHtpasswd('a:b', 'pw', env)).toBe('invalid username: a:b');
  });

  it('takes the salt from the template environment', () => {
    const hash = sprigBcrypt('secret', fixedTemplateEnvironment({ seed: 'salt' }));
    expect(sprigBcrypt('secret', fixedTemplateEnvironment({ seed: 'salt' }))).toBe(hash);
    expect(sprigBcrypt('secret', fixedTemplateEnvironment({ seed: 'other' }))).not.toBe(hash);
    const salt = bcryptDecodeBase64(hash.slice(7, 29));
    expect(bcryptHash(Buffer.from('secret'), salt, 10)).toBe(hash);
  });
});
