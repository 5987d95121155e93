// Child processes of the test world (etcd, kube-apiserver, kcp, the agent).
//
// Every server runs under hack/world/reaper.sh as the leader of its own process group, so that
//  - stop() can signal the whole group (the server and anything it forked),
//  - the server dies with the process that started it even when that process is SIGKILLed
//    (the reaper polls the parent's pid), and
//  - a run-wide pid registry (a file, see registerPidFile) lets jest's global teardown and signal
//    handlers kill whatever a test file left behind after a failure or timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAPER = path.join(REPO_ROOT, 'hack/world/reaper.sh');

/** Environment variable naming the file in which every started process group is recorded. */
export const PID_REGISTRY_ENV = 'API_SYNCAGENT_E2E_PID_REGISTRY';

export interface StartProcessOptions {
  /** Short name used in messages, e.g. "kube-apiserver (test-foo)". */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr go here (appended). */
  logPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ManagedProcess {
  name: string;
  /** The process group id (the reaper's pid). */
  pgid: number;
  logPath: string;
  /** Resolves with the exit code (or signal name) once the group leader exited. */
  exited: Promise<number | string>;
  /** The server's own pid (read from the reaper's pid file; undefined until it was written). */
  serverPid(): number | undefined;
  hasExited(): boolean;
  /** SIGTERM the group, SIGKILL after graceMs; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ManagedProcess>();

export function startProcess(opts: StartProcessOptions): ManagedProcess {
  mkdirSync(path.dirname(opts.logPath), { recursive: true });
  appendFileSync(
    opts.logPath,
    `--- ${new Date().toISOString()} starting ${opts.name}: ${opts.command} ${opts.args.join(' ')}\n`,
  );
  // The reaper writes the server's pid here (outside the artifacts, unique per started process).
  // (Random: jest loads this module once per test file in the same process, so counters repeat.)
  const pidFile = path.join(
    os.tmpdir(),
    `api-syncagent-reaper-${process.pid}-${randomBytes(6).toString('hex')}.pid`,
  );
  const fd = openSync(opts.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn('bash', [REAPER, String(process.pid), pidFile, opts.command, ...opts.args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? REPO_ROOT,
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) {
    throw new Error(`starting ${opts.name} failed: could not spawn ${opts.command} (log: ${opts.logPath})`);
  }
  const pgid = child.pid;
  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      rmSync(pidFile, { force: true });
      live.delete(handle);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      exitedFlag = true;
      live.delete(handle);
      appendFileSync(opts.logPath, `--- spawn error: ${err.message}\n`);
      resolve('spawn-error');
    });
  });
  // The harness must not keep the node process alive just because a server runs.
  child.unref();

  const handle: ManagedProcess = {
    name: opts.name,
    pgid,
    logPath: opts.logPath,
    exited,
    hasExited: () => exitedFlag,
    serverPid: () => {
      try {
        const n = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
        return Number.isFinite(n) ? n : undefined;
      } catch {
        return undefined;
      }
    },
    stop: async (graceMs = 10_000) => {
      if (exitedFlag) return;
      // Keep the event loop alive until the exit is observed (the child is unref'd otherwise).
      child.ref();
      signalGroup(pgid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        signalGroup(pgid, 'SIGKILL');
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
      }
      clearTimeout(timer);
    },
  };
  live.add(handle);
  recordPgid(pgid, opts.name, opts.logPath);
  return handle;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

function recordPgid(pgid: number, name: string, logPath: string): void {
  const registry = process.env[PID_REGISTRY_ENV];
  if (registry) appendFileSync(registry, `${pgid}\t${name}\t${logPath}\n`);
}

/** SIGKILLs every process group this node process started and that is still running. Synchronous. */
export function killAllLive(): void {
  for (const p of live) signalGroup(p.pgid, 'SIGKILL');
}

/**
 * Kills every process group listed in a pid registry file (written by all processes of a jest run).
 * Used by the global teardown, after a failed or timed-out test file left servers behind.
 * Returns a description of each group it signalled.
 */
export function killRegisteredGroups(registryPath: string): string[] {
  if (!existsSync(registryPath)) return [];
  const killed: string[] = [];
  for (const line of readFileSync(registryPath, 'utf8').split('\n')) {
    const [pgidText = '', name = '?', logPath = '?'] = line.split('\t');
    const pgid = Number.parseInt(pgidText, 10);
    if (!Number.isFinite(pgid) || pgid <= 1) continue;
    // Only groups whose leader (the reaper) still runs: once it has exited its server is stopped
    // (at most a short sleep of the reaper lingers), and the number might belong to someone else.
    if (!isAlive(pgid)) continue;
    signalGroup(pgid, 'SIGTERM');
    killed.push(`${name} (process group ${pgid}, log ${logPath})`);
  }
  return killed;
}

/** Kills what this process started when it exits or is interrupted. Idempotent. */
let hooksInstalled = false;
export function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllLive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllLive();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** The last lines of a log file, for error messages. */
export function logTail(logPath: string, lines = 15): string {
  try {
    const all = readFileSync(logPath, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
