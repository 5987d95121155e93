/**
 * The ready part of a WorkQueue (workqueue.ts): the keys that wait to be handed to a worker, in the
 * order they are handed out. The queue itself keeps the dirty / processing bookkeeping and guarantees
 * that a key is pushed here at most once at a time; these structures only decide the order.
 */
export interface ReadyKeys<T> {
  /** Number of keys ready. */
  readonly size: number;
  push(item: T): void;
  /** Removes and returns the next key; only called when size > 0. */
  shift(): T;
  /** Removes every key, calling each(key) for it first. */
  clear(each: (item: T) => void): void;
}

/** A FIFO with amortised O(1) push and shift (an array and a moving head, compacted now and then). */
export class Fifo<T> implements ReadyKeys<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T; // let the key be collected before the next compaction
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(each: (item: T) => void): void {
    for (let i = this.head; i < this.items.length; i++) each(this.items[i] as T);
    this.items = [];
    this.head = 0;
  }
}

interface TenantKeys<T> {
  readonly tenant: string;
  readonly keys: Fifo<T>;
}

/**
 * Ready keys kept in one FIFO per tenant and handed out round robin over the tenants that have ready
 * keys: a tenant with thousands of ready keys and a tenant with one alternate, so one busy tenant
 * cannot delay another's single key by more than one turn per other waiting tenant.
 *
 * A tenant is in the rotation exactly while it has ready keys; its FIFO is dropped the moment it
 * empties, so the per-tenant state is bounded by the number of ready keys (no leak with many
 * short-lived tenants). Every operation is amortised O(1).
 */
export class FairReady<T> implements ReadyKeys<T> {
  private readonly tenantOf: (item: T) => string;
  private readonly byTenant = new Map<string, TenantKeys<T>>();
  // Tenants with ready keys, in turn order; a tenant that was served goes to the back.
  private readonly turns = new Fifo<TenantKeys<T>>();
  private count = 0;

  constructor(tenantOf: (item: T) => string) {
    this.tenantOf = tenantOf;
  }

  get size(): number {
    return this.count;
  }

  /** Number of tenants with ready keys (for tests: the per-tenant state that exists). */
  get tenants(): number {
    return this.byTenant.size;
  }

  push(item: T): void {
    const tenant = this.tenantOf(item);
    let t = this.byTenant.get(tenant);
    if (!t) {
      t = { tenant, keys: new Fifo<T>() };
      this.byTenant.set(tenant, t);
      this.turns.push(t);
    }
    t.keys.push(item);
    this.count++;
  }

  shift(): T {
    const t = this.turns.shift();
    const item = t.keys.shift();
    this.count--;
    if (t.keys.size > 0) this.turns.push(t);
    else this.byTenant.delete(t.tenant);
    return item;
  }

  clear(each: (item: T) => void): void {
    for (const t of this.byTenant.values()) t.keys.clear(each);
    this.byTenant.clear();
    this.turns.clear(() => undefined);
    this.count = 0;
  }
}
