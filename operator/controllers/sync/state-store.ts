/**
 * Access to the state Secrets (SPEC §5.6) through a shared Secret cache in the agent's namespace, with
 * write-through so the reconcile triggered by our own write does not read an older state.
 */
import { stateSecret, readStateEntry } from '../../engine/sync/state.js';
import type { Unstructured } from '../../engine/sync/unstructured.js';
import { AlreadyExistsError } from '../../runtime/client/errors.js';
import type { RestClient } from '../../runtime/client/rest.js';
import type { Informer } from '../../runtime/informer.js';
import { objectKey } from '../../runtime/cache.js';
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

  private cached(name: string): Unstructured | undefined {
    return this.cache.reader.get('', this.namespace, name) as Unstructured | undefined;
  }

  read(secretName: string, key: string): string | undefined {
    return readStateEntry(this.cached(secretName), key);
  }

  /** Writes one entry (and the Secret's labels); creates the Secret when missing. */
  async write(
    secretName: string,
    labels: Record<string, string>,
    entries: Record<string, string>,
  ): Promise<void> {
    const existing = this.cached(secretName);
    const desired = stateSecret(existing, { name: secretName, namespace: this.namespace, labels }, entries);
    let written: Unstructured;
    if (existing) {
      written = (await this.client.update(GVR_SECRETS, desired)) as Unstructured;
    } else {
      try {
        written = (await this.client.create(GVR_SECRETS, desired)) as Unstructured;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
        // The cache has not seen it yet: merge into the server's copy.
        const current = (await this.client.get(GVR_SECRETS, secretName, {
          namespace: this.namespace,
        })) as Unstructured;
        written = (await this.client.update(
          GVR_SECRETS,
          stateSecret(current, { name: secretName, namespace: this.namespace, labels }, entries),
        )) as Unstructured;
      }
    }
    this.cache.store.set(objectKey(written), written);
  }

  /** Deletes a primary's state Secret once the primary is gone (decision #10); missing is fine. */
  async delete(secretName: string): Promise<void> {
    try {
      await this.client.delete(GVR_SECRETS, secretName, { namespace: this.namespace });
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    this.cache.store.delete(`|${this.namespace}/${secretName}`);
  }
}
