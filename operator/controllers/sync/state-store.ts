/**
 * Access to the state Secrets (docs/compatibility.md#state-secrets) through a shared Secret cache in the
 * agent's namespace, with write-through so the reconcile triggered by our own write does not read an older
 * state. States too large for one Secret are compressed and/or split into part Secrets
 * (engine/sync/state.ts).
 */
import {
  isStatePartOf,
  planStateWrite,
  readStateEntry,
  statePartSecret,
  statePartsOf,
  type StateWritePlan,
} from '../../engine/sync/state.js';
import type { Unstructured } from '../../engine/sync/unstructured.js';
import { AlreadyExistsError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { Informer } from '../../runtime/informer.js';
import { GVR_SECRETS } from '../../kcp/resources.js';

export class StateStore {
  private readonly client: RestClient;
  /** The agent's namespace (`--namespace`). */
  readonly namespace: string;
  private readonly cache: Informer;

  constructor(client: RestClient, namespace: string, cache: Informer) {
    this.client = client;
    this.namespace = namespace;
    this.cache = cache;
  }

  /** Resolves once the state Secret cache holds its initial list. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    return this.cache.waitForSync(signal);
  }

  private cached(name: string): Unstructured | undefined {
    return this.cache.reader.get('', this.namespace, name) as Unstructured | undefined;
  }

  read(secretName: string, key: string): string | undefined {
    return readStateEntry(this.cached(secretName), key, (name) => this.cached(name));
  }

  /** Writes entries (and the Secret's labels); creates the Secret and any part Secrets when missing. */
  async write(
    secretName: string,
    labels: Record<string, string>,
    entries: Record<string, string>,
  ): Promise<void> {
    const ref = { name: secretName, namespace: this.namespace, labels };
    const existing = this.cached(secretName);
    try {
      await this.apply(planStateWrite(existing, ref, entries), existing !== undefined);
    } catch (err) {
      if (existing || !(err instanceof AlreadyExistsError)) throw err;
      // The cache has not seen it yet: merge into the server's copy.
      const current = (await this.client.get(GVR_SECRETS, secretName, {
        namespace: this.namespace,
      })) as Unstructured;
      await this.apply(planStateWrite(current, ref, entries), true);
    }
  }

  /** Parts first: the entry pointing to them is written after them, and reads check their hash. */
  private async apply(plan: StateWritePlan, exists: boolean): Promise<void> {
    for (const part of plan.parts) {
      const ref = { name: part.name, namespace: this.namespace, labels: plan.secret.metadata.labels };
      await this.putPart(part.name, (current) => statePartSecret(current, ref, part.bytes));
    }
    const written = (
      exists
        ? await this.client.update(GVR_SECRETS, plan.secret)
        : await this.client.create(GVR_SECRETS, plan.secret)
    ) as Unstructured;
    this.cache.assume(written);
    for (const name of plan.obsoleteParts) await this.deleteSecret(name);
  }

  private async putPart(
    name: string,
    desired: (current: Unstructured | undefined) => Unstructured,
  ): Promise<void> {
    const cached = this.cached(name);
    let written: Unstructured;
    if (cached) {
      written = (await this.client.update(GVR_SECRETS, desired(cached))) as Unstructured;
    } else {
      try {
        written = (await this.client.create(GVR_SECRETS, desired(undefined))) as Unstructured;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
        const current = (await this.client.get(GVR_SECRETS, name, {
          namespace: this.namespace,
        })) as Unstructured;
        written = (await this.client.update(GVR_SECRETS, desired(current))) as Unstructured;
      }
    }
    this.cache.assume(written);
  }

  private async deleteSecret(name: string): Promise<void> {
    const cached = this.cached(name);
    try {
      await this.client.delete(GVR_SECRETS, name, { namespace: this.namespace });
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    if (cached) this.cache.assumeDeleted(cached);
  }

  /**
   * Deletes a primary's state Secret and its part Secrets once the primary is gone; missing is fine.
   * Parts are found by name in the cache too, so parts no entry points to any more go as well.
   */
  async delete(secretName: string): Promise<void> {
    const parts = new Set(statePartsOf(this.cached(secretName)));
    for (const s of this.cache.reader.list({ namespace: this.namespace })) {
      const name = s.metadata?.name ?? '';
      if (isStatePartOf(secretName, name)) parts.add(name);
    }
    for (const name of parts) await this.deleteSecret(name);
    await this.deleteSecret(secretName);
  }
}
