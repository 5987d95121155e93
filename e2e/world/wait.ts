// Polling with a deadline. Every wait in the test world goes through here, so that nothing can hang:
// on timeout the error says what was awaited, for how long, and the last error or value seen.

export interface WaitOptions {
  /** What is being awaited, e.g. "workspace root:org to become Ready". */
  description: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Extra text appended to a timeout error, e.g. "see log /tmp/x/kcp.log". */
  hint?: string | (() => string);
}

export class WaitTimeoutError extends Error {
  readonly lastError: unknown;
  constructor(message: string, lastError: unknown) {
    super(message);
    this.name = 'WaitTimeoutError';
    this.lastError = lastError;
  }
}

/** Thrown inside a waitFor callback to give up at once (e.g. the awaited server process died). */
export class StopWaiting extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StopWaiting';
  }
}

/**
 * Calls fn until it returns (or resolves to) a value other than undefined/false/null (which is then returned), or throws
 * a WaitTimeoutError after timeoutMs. Exceptions thrown by fn count as "not yet" and are remembered,
 * except StopWaiting, which ends the wait at once.
 */
export async function waitFor<R>(
  fn: () => R,
  opts: WaitOptions,
): Promise<Exclude<Awaited<R>, undefined | false | null>> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const intervalMs = opts.intervalMs ?? 250;
  const start = Date.now();
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false && v !== null)
        return v as Exclude<Awaited<R>, undefined | false | null>;
      lastValue = v;
    } catch (err) {
      if (err instanceof StopWaiting) {
        const hint = typeof opts.hint === 'function' ? opts.hint() : opts.hint;
        throw new Error(
          `gave up waiting for ${opts.description}: ${err.message}` + (hint ? `\n${hint}` : ''),
        );
      }
      lastError = err;
    }
    if (Date.now() - start >= timeoutMs) {
      const last =
        lastError !== undefined
          ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
          : `last result: ${String(lastValue)}`;
      const hint = typeof opts.hint === 'function' ? opts.hint() : opts.hint;
      throw new WaitTimeoutError(
        `timed out after ${Math.round((Date.now() - start) / 1000)}s waiting for ${opts.description}; ${last}` +
          (hint ? `\n${hint}` : ''),
        lastError,
      );
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a clear message if p does not settle within ms. */
export async function withTimeout<T>(p: Promise<T>, ms: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms: ${description}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
