/**
 * The process's real clock, environment variables and randomness, in the shape the template engine
 * asks for (golang/template/environment.ts: TemplateEnvironment). The agent and pubres-toolkit
 * install it at start-up; nothing below operator/engine reads these by itself.
 */
import { generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';

export type KeySpec =
  { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: 'P-256' } | { type: 'ed25519' };

/** A new private key from Node's (OpenSSL's) generator. */
export function generatePrivateKey(spec: KeySpec): KeyObject {
  switch (spec.type) {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: spec.modulusLength }).privateKey;
    case 'ec':
      return generateKeyPairSync('ec', { namedCurve: spec.namedCurve }).privateKey;
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey;
  }
}

export const processEnvironment = {
  nowMs: (): number => Date.now(),
  lookupEnv: (name: string): string | undefined => process.env[name],
  randomBytes: (n: number): Uint8Array => randomBytes(n),
  randomInt: (max: number): number => randomInt(max),
  generatePrivateKey,
};
