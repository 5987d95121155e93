/**
 * Whether and how one core/v1 Event about a service-side copy is mirrored onto the consumer's kcp
 * object. The copy is found by the event's involvedObject UID and must be a copy this agent made; the
 * kcp object is the one the copy's own sync metadata names (never anything the event or the consumer
 * says), so an event reaches exactly the workspace whose object the copy was made for.
 */
import { LABEL_AGENT_NAME } from '../sync/keys.js';
import { remoteIdentity } from '../sync/primary.js';
import type { Unstructured } from '../sync/unstructured.js';
import { eventAllowed, MAX_REASON_LENGTH, type EventMirrorSpec } from './spec.js';

/** Longest mirrored message (prefix included); longer ones are cut and end in "...". */
export const MAX_MIRRORED_MESSAGE = 1024;
/** Longest source component shown in the prefix. */
const MAX_COMPONENT = 63;

/** The fields of a core/v1 Event the mirror reads (events.k8s.io/v1 events read through core/v1 too). */
export interface SourceEvent {
  metadata?: { uid?: string; namespace?: string; name?: string; creationTimestamp?: string };
  involvedObject?: { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string };
  reportingComponent?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
}

export interface MirrorFacts {
  event: SourceEvent;
  spec: EventMirrorSpec;
  agentName: string;
  /** apiVersion and kind of the service-side copies of this PublishedResource. */
  copyType: { apiVersion: string; kind: string };
  /** The cached service-side object at the event's involvedObject namespace/name, if any. */
  copy: Unstructured | undefined;
  /** Events that last happened before this instant (ms) are history and are not mirrored. */
  notBeforeMs: number;
}

export type MirrorDecision =
  | { type: 'skip'; why: string }
  | {
      type: 'mirror';
      /** The kcp object the copy was made for. */
      target: { cluster: string; namespace: string; name: string };
      eventType: 'Normal' | 'Warning';
      reason: string;
      message: string;
    };

/** When the event last happened (ms since epoch), or NaN when it carries no time. */
export function lastSeenMs(ev: SourceEvent): number {
  const t =
    ev.lastTimestamp ||
    ev.series?.lastObservedTime ||
    ev.eventTime ||
    ev.firstTimestamp ||
    ev.metadata?.creationTimestamp;
  return t ? Date.parse(t) : Number.NaN;
}

/** How many times the event happened (client-go's count, or the series count of events.k8s.io). */
export function occurrences(ev: SourceEvent): number {
  return ev.series?.count ?? ev.count ?? 1;
}

/** `[provider <component>] message`, cut to MAX_MIRRORED_MESSAGE. */
export function mirroredMessage(component: string, message: string): string {
  const who = component.slice(0, MAX_COMPONENT) || 'unknown';
  const text = `[provider ${who}] ${message}`;
  return text.length <= MAX_MIRRORED_MESSAGE ? text : `${text.slice(0, MAX_MIRRORED_MESSAGE - 3)}...`;
}

export function planMirror(f: MirrorFacts): MirrorDecision {
  const ev = f.event;
  const inv = ev.involvedObject ?? {};
  if (inv.apiVersion !== f.copyType.apiVersion || inv.kind !== f.copyType.kind)
    return { type: 'skip', why: 'about another type' };
  if (ev.type !== 'Normal' && ev.type !== 'Warning') return { type: 'skip', why: 'unknown event type' };
  const reason = ev.reason ?? '';
  if (reason === '' || reason.length > MAX_REASON_LENGTH) return { type: 'skip', why: 'invalid reason' };
  if (!eventAllowed(f.spec, ev.type, reason)) return { type: 'skip', why: 'not allowed' };
  const seen = lastSeenMs(ev);
  if (!(seen >= f.notBeforeMs)) return { type: 'skip', why: 'happened before mirroring started' };
  const copy = f.copy;
  // The UID ties the event to this very object: a namesake created later gets none of its events.
  if (!copy || !inv.uid || copy.metadata?.uid !== inv.uid) return { type: 'skip', why: 'not about a copy' };
  const copyNamespace = copy.metadata?.namespace ?? '';
  if (copyNamespace !== '' && copyNamespace !== (ev.metadata?.namespace ?? ''))
    return { type: 'skip', why: 'event in another namespace than the object' };
  if (copy.metadata?.labels?.[LABEL_AGENT_NAME] !== f.agentName)
    return { type: 'skip', why: 'not a copy of this agent' };
  const target = remoteIdentity(copy);
  if (!target) return { type: 'skip', why: 'copy names no kcp object' };
  const component = ev.source?.component || ev.reportingComponent || '';
  return {
    type: 'mirror',
    target,
    eventType: ev.type,
    reason,
    message: mirroredMessage(component, ev.message ?? ''),
  };
}
