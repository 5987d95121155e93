/**
 * Rendezvous (highest random weight) hashing: the owner of a key among a set of members is the member
 * with the highest score for that key. Every replica computes the same owner from the same members,
 * and a membership change moves only the keys of the member that joined or left.
 */
import { createHash } from 'node:crypto';

/** The 64-bit score of a member for a key: the first 8 bytes of sha256(member NUL key). */
export function rendezvousScore(member: string, key: string): bigint {
  return createHash('sha256').update(`${member}\0${key}`).digest().readBigUInt64BE(0);
}

/** The member owning key, or undefined without members. Ties (practically impossible) go to the smaller name. */
export function ownerOf(key: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const m of members) {
    const score = rendezvousScore(m, key);
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}
