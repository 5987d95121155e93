/**
 * The `spec.events` block of a PublishedResource: which Kubernetes events about a service-side copy
 * are mirrored onto the consumer's kcp object (docs/authoring.md#mirroring-service-side-events).
 * Nothing set (or `mirror: false`) mirrors nothing.
 */
export interface EventMirrorRule {
  /** `Normal`, `Warning` or `*`; omitted = any type. */
  type?: string;
  /** An exact event reason or `*`; omitted = any reason. */
  reason?: string;
}

export interface EventMirrorSpec {
  mirror?: boolean;
  /** Events matching at least one rule are mirrored; omitted = every event of the copy. */
  allow?: EventMirrorRule[];
}

export interface EventMirrorProblem {
  field: string;
  value?: string;
  message: string;
}

const TYPES: ReadonlySet<string> = new Set(['Normal', '*', 'Warning']);
/** The longest reason the events API accepts. */
export const MAX_REASON_LENGTH = 128;

/** Whether mirroring is switched on. */
export function mirrorEnabled(spec: EventMirrorSpec | undefined | null): boolean {
  return spec?.mirror === true;
}

/** Configuration errors of `spec.events`, each naming its field. */
export function validateEventMirror(spec: EventMirrorSpec | undefined | null): EventMirrorProblem[] {
  const errs: EventMirrorProblem[] = [];
  if (!spec) return errs;
  (spec.allow ?? []).forEach((rule, i) => {
    const path = `spec.events.allow[${i}]`;
    if (rule.type !== undefined && !TYPES.has(rule.type))
      errs.push({ field: `${path}.type`, value: rule.type, message: 'must be Normal, Warning or *' });
    if (rule.reason !== undefined && (rule.reason === '' || rule.reason.length > MAX_REASON_LENGTH))
      errs.push({
        field: `${path}.reason`,
        value: rule.reason,
        message: `must be * or a reason of 1 to ${MAX_REASON_LENGTH} characters`,
      });
  });
  if (spec.allow !== undefined && spec.allow.length === 0 && spec.mirror)
    errs.push({
      field: 'spec.events.allow',
      value: '[]',
      message: 'allows nothing; omit it to mirror every event',
    });
  return errs;
}

/** Whether an event of this type and reason passes the allow-list. */
export function eventAllowed(spec: EventMirrorSpec, type: string, reason: string): boolean {
  if (spec.allow === undefined) return true;
  return spec.allow.some(
    (r) =>
      (r.type === undefined || r.type === '*' || r.type === type) &&
      (r.reason === undefined || r.reason === '*' || r.reason === reason),
  );
}
