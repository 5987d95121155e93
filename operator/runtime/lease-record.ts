/**
 * What Lease-based liveness shares (leader election and shard membership): the MicroTime wire format,
 * and client-go's rule for deciding that a Lease holder is gone without trusting anyone's clock: a
 * record is fresh while it changed within the lease duration, measured on the observer's own clock
 * from the moment the observer saw the change.
 */

/** metav1.MicroTime wire format: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The last record seen of one Lease and when (on the observer's clock) it was seen to change. */
export class ObservedRecord {
  private record: string | undefined;
  private changedAt = 0;

  /** Notes the record as seen at `now`; the change time moves only when the record differs. */
  observe(record: string, now: number): void {
    if (record === this.record) return;
    this.record = record;
    this.changedAt = now;
  }

  /** Whether the record changed within durationMs before now. */
  fresh(now: number, durationMs: number): boolean {
    return this.record !== undefined && this.changedAt + durationMs > now;
  }
}
