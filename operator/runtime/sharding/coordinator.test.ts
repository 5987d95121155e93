import { FakeClock } from '../clock.js';
import { RestClient } from '../client/rest.js';
import { FakeObjectServer } from '../testing/fake-multi.js';
import { testRestConfig } from '../testing/config.js';
import { ShardCoordinator } from './coordinator.js';
import { MemberLeases } from './member-leases.js';

const LEASE_MS = 6000;
const RENEW_DEADLINE_MS = 4000;
const RETRY_MS = 1000;
const keys = Array.from({ length: 300 }, (_, i) => `ws-${i}`);

interface Member {
  id: string;
  coordinator: ShardCoordinator;
  /** Its requests to the API server fail while set (a network partition). */
  partitioned: boolean;
  /** The process is gone: it neither ticks nor processes anything. */
  dead: boolean;
  /** Revoke hooks resolve only once this is released (in-flight work that takes time). */
  blockRevoke?: { release: () => void; promise: Promise<void> };
  revokes: number;
  /** A tick still waiting (for blocked revoke hooks); the member does not tick again meanwhile. */
  pending?: Promise<void> | undefined;
}

/** A RestClient whose every call fails while the member is partitioned. */
function partitionable(client: RestClient, m: () => Member): RestClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) =>
        m().partitioned
          ? Promise.reject(new Error('partitioned'))
          : (v as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
}

describe('ShardCoordinator (3 members, in-memory API server, fake clock)', () => {
  let server: FakeObjectServer;
  let client: RestClient;
  let clock: FakeClock;
  let members: Member[];
  let violations: string[];

  beforeEach(async () => {
    server = new FakeObjectServer();
    client = new RestClient(testRestConfig(await server.start()));
    clock = new FakeClock();
    members = [];
    violations = [];
  });
  afterEach(() => server.stop());

  function join(id: string): Member {
    const member = {} as Member;
    const leases = new MemberLeases({
      client: partitionable(client, () => member),
      namespace: 'ns',
      namePrefix: 'syncagent.test',
      groupLabel: { key: 'syncagent.kcp.io/shard-group', value: 'test' },
      ackAnnotation: 'syncagent.kcp.io/shard-acked-view',
      identity: id,
      leaseDurationMs: LEASE_MS,
      clock,
    });
    const coordinator = new ShardCoordinator({
      leases,
      leaseDurationMs: LEASE_MS,
      renewDeadlineMs: RENEW_DEADLINE_MS,
      retryPeriodMs: RETRY_MS,
      clock,
      knownKeys: () => keys,
    });
    Object.assign(member, { id, coordinator, partitioned: false, dead: false, revokes: 0 });
    coordinator.onRevoke(async () => {
      member.revokes++;
      await member.blockRevoke?.promise;
    });
    members.unshift(member); // a newcomer ticks first: it must not run ahead of the others
    return member;
  }

  function block(m: Member): void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    m.blockRevoke = { release, promise };
  }

  /** Safety: no key is owned by two members whose process runs (a partitioned one still runs). */
  function checkSafety(when: string): void {
    for (const k of keys) {
      const owners = members.filter((m) => !m.dead && m.coordinator.owns(k)).map((m) => m.id);
      if (owners.length > 1) violations.push(`${when}: ${k} owned by ${owners.join(' and ')}`);
    }
  }

  async function eventLoopTurns(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  }

  /** One retry period: time moves, every running member ticks once; safety after each tick. */
  async function period(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock.step(RETRY_MS);
      for (const m of members) {
        if (m.dead || m.pending) continue;
        const tick = m.coordinator.tick();
        const done = await Promise.race([
          tick.then(() => true),
          // a tick is pending when it waits for blocked work; counted in event-loop turns, not
          // milliseconds, so a loaded machine does not make a finished tick look pending
          eventLoopTurns(200).then(() => false),
        ]);
        if (!done) m.pending = tick.finally(() => (m.pending = undefined));
        checkSafety(`t=${clock.now()} after ${m.id}`);
      }
    }
  }

  /** Liveness: every key owned by exactly one of the expected members. */
  function expectSettled(expected: Member[]): void {
    for (const k of keys) {
      const owners = members.filter((m) => !m.dead && m.coordinator.owns(k));
      expect(owners.length).toBe(1);
      expect(expected).toContain(owners[0]);
    }
    for (const m of expected) expect(m.coordinator.activeView()).toEqual(expected.map((e) => e.id).sort());
  }

  const owned = (m: Member) => keys.filter((k) => m.coordinator.owns(k)).length;

  it('three members join, split the keys, and a clean leave rebalances at once', async () => {
    const [a, b, c] = [join('a'), join('b'), join('c')];
    await period(4);
    expectSettled([a, b, c]);
    for (const m of [a, b, c]) expect(owned(m)).toBeGreaterThan(60);
    expect(server.list('/apis/coordination.k8s.io/v1/namespaces/ns/leases/')).toHaveLength(3);

    await b.coordinator.leave();
    b.dead = true;
    expect(owned(b)).toBe(0);
    expect(server.list('/apis/coordination.k8s.io/v1/namespaces/ns/leases/')).toHaveLength(2);
    await period(3); // far less than the lease duration
    expectSettled([a, c]);
    expect(violations).toEqual([]);
  });

  it('a killed member (stops renewing, Lease left behind) is replaced within lease duration + a few retries', async () => {
    const [a, b, c] = [join('a'), join('b'), join('c')];
    await period(4);
    expectSettled([a, b, c]);
    b.dead = true;
    let periods = 0;
    while (!(a.coordinator.activeView()?.length === 2 && c.coordinator.activeView()?.length === 2)) {
      await period();
      if (++periods > 20) throw new Error('no handover');
    }
    expect(periods * RETRY_MS).toBeLessThanOrEqual(LEASE_MS + 3 * RETRY_MS);
    expectSettled([a, c]);
    // it comes back as a new process (new identity): ownership rebalances, still safely
    const b2 = join('b2');
    // b2 has never seen b's Lease change: it counts b as live for one lease duration from its first look
    // (no trust in b's renewTime), so the views agree only then
    await period(LEASE_MS / RETRY_MS + 3);
    expectSettled([a, c, b2]);
    // the killed member's Lease is removed once it has not changed for three lease durations
    await period(LEASE_MS / RETRY_MS);
    const holders = server
      .list('/apis/coordination.k8s.io/v1/namespaces/ns/leases/')
      .map((l) => (l.spec as { holderIdentity: string }).holderIdentity);
    expect(holders.sort()).toEqual(['a', 'b2', 'c']);
    expectSettled([a, c, b2]);
    expect(violations).toEqual([]);
  });

  it('a partitioned member fences itself before the others take its keys, then rejoins', async () => {
    const [a, b, c] = [join('a'), join('b'), join('c')];
    await period(4);
    expectSettled([a, b, c]);
    b.partitioned = true;
    await period(LEASE_MS / RETRY_MS + 3);
    expect(b.coordinator.isFenced()).toBe(true);
    expect(owned(b)).toBe(0);
    expectSettled([a, c]);
    b.partitioned = false;
    await period(5);
    expect(b.coordinator.isFenced()).toBe(false);
    expectSettled([a, b, c]);
    expect(violations).toEqual([]);
  });

  it('a joining member activates only after the others finished their in-flight work on its keys', async () => {
    const [a, b] = [join('a'), join('b')];
    await period(4);
    expectSettled([a, b]);
    block(a);
    const c = join('c');
    await period(2);
    // a is still waiting for its in-flight work: c must not own anything yet, b and c may already
    // have acknowledged, but a has not
    expect(a.revokes).toBe(1);
    expect(a.pending).toBeDefined();
    expect(c.coordinator.activeView()).toBeUndefined();
    expect(owned(c)).toBe(0);
    a.blockRevoke!.release();
    await period(3);
    expectSettled([a, b, c]);
    expect(violations).toEqual([]);
  });

  it('in-flight work that does not finish within the renew deadline fences the member', async () => {
    const [a, b] = [join('a'), join('b')];
    await period(4);
    block(a);
    const c = join('c');
    for (let i = 0; i < 10 && !a.coordinator.isFenced(); i++) await period();
    expect(a.coordinator.isFenced()).toBe(true);
    expect(owned(a)).toBe(0);
    a.blockRevoke!.release();
    a.blockRevoke = undefined;
    await a.pending;
    await period(5);
    expectSettled([a, b, c]);
    expect(violations).toEqual([]);
  });
});
