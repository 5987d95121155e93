// Proof for the container image without a Docker engine: the Dockerfile's own steps are replayed
// into a staging root (compile with tsc, production dependencies only, copy crds/ and the
// hack/image entrypoints into /opt/api-syncagent), then the entrypoint runs as uid/gid 65534 on a
// tree it cannot write to (like readOnlyRootFilesystem). The runtime image is distroless: the
// entrypoints are Node scripts started by the kernel through their shebang (`#!/nodejs/bin/node`,
// the distroless node); here the shebang is honoured the way the kernel does it, with the Node 24
// that runs the tests as the interpreter. What this cannot prove: the base image itself.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { AGENT_NODE_FLAGS } from '../world/agent.js';
import { artifactsDirFor } from '../world/run.js';
import { REPO_ROOT } from './support.js';

const STEP_TIMEOUT = 300_000;
const NOBODY = '65534';
/** Where node lives in gcr.io/distroless/nodejs24-debian12 (the Dockerfile's runtime base). */
const DISTROLESS_NODE = '/nodejs/bin/node';

/**
 * The command the kernel runs for a script with a `#!interpreter [one argument]` line: the
 * interpreter, its single optional argument, the script path, then the arguments. The distroless
 * node is replaced by the test's node.
 */
function shebangCommand(script: string, args: string[]): [string, string[]] {
  const first = readFileSync(script, 'utf8').split('\n')[0]!;
  const m = /^#!(\S+)(?:\s+(.*\S))?\s*$/.exec(first);
  if (!m) throw new Error(`${script} has no shebang line`);
  if (m[1] !== DISTROLESS_NODE) throw new Error(`${script}: interpreter ${m[1]}, not ${DISTROLESS_NODE}`);
  return [process.execPath, [...(m[2] !== undefined ? [m[2]] : []), script, ...args]];
}

function duBytes(p: string): number {
  return Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]);
}

/** Every file path with its size and mtime: proves a run wrote nothing. */
function snapshot(root: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p, { throwIfNoEntry: false });
        out.push(`${p} ${s?.size} ${s?.mtimeMs}`);
      }
    }
  };
  walk(root);
  return out.sort().join('\n');
}

describe('container image filesystem (Dockerfile steps in a staging root)', () => {
  let root: string;
  let app: string;
  let entrypoint: string;

  /** Runs a command as nobody with a minimal environment, from `/`. */
  const asNobody = (cmd0: string, args0: string[]) => {
    const [cmd, args] = cmd0.startsWith(root) ? shebangCommand(cmd0, args0) : [cmd0, args0];
    const r = spawnSync(
      'setpriv',
      [
        '--reuid',
        NOBODY,
        '--regid',
        NOBODY,
        '--clear-groups',
        'env',
        '-i',
        // The image's node is /usr/local/bin/node; here the Node 24 that runs the tests.
        `PATH=${path.dirname(process.execPath)}:/usr/bin:/bin`,
        'HOME=/nonexistent',
        'NODE_ENV=production',
        cmd,
        ...args,
      ],
      { cwd: '/', encoding: 'utf8', timeout: 60_000 },
    );
    if (r.error) throw r.error;
    return r;
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'api-syncagent-image-'));
    chmodSync(root, 0o755);
    app = path.join(root, 'opt', 'api-syncagent');
    mkdirSync(app, { recursive: true });

    // build stage: `npm run build` = tsc -p tsconfig.build.json (into the staging dist/).
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        path.join(REPO_ROOT, 'tsconfig.build.json'),
        '--outDir',
        path.join(app, 'dist'),
      ],
      { cwd: REPO_ROOT, stdio: 'pipe' },
    );
    // deps stage: production dependencies only, pinned by the lock file; no maps/declarations.
    for (const f of ['package.json', 'package-lock.json']) {
      copyFileSync(path.join(REPO_ROOT, f), path.join(app, f));
    }
    const npmEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` };
    const npm = (args: string[]) => execFileSync('npm', args, { cwd: app, stdio: 'pipe', env: npmEnv });
    npm(['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']);
    execFileSync('find', [
      path.join(app, 'node_modules'),
      '-type',
      'f',
      '(',
      '-name',
      '*.map',
      '-o',
      '-name',
      '*.d.ts',
      '-o',
      '-name',
      '*.d.mts',
      '-o',
      '-name',
      '*.d.cts',
      ')',
      '-delete',
    ]);
    rmSync(path.join(app, 'package-lock.json'));
    // runtime stage.
    cpSync(path.join(REPO_ROOT, 'crds'), path.join(app, 'crds'), { recursive: true });
    mkdirSync(path.join(app, 'bin'));
    for (const f of ['api-syncagent', 'pubres-toolkit']) {
      copyFileSync(path.join(REPO_ROOT, 'hack', 'image', f), path.join(app, 'bin', f));
      chmodSync(path.join(app, 'bin', f), 0o755);
    }
    // ENTRYPOINT ["api-syncagent"] is found through PATH=/opt/api-syncagent/bin:...
    entrypoint = path.join(app, 'bin', 'api-syncagent');
  }, STEP_TIMEOUT);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('holds production dependencies only, and reports its size', () => {
    const modules = path.join(app, 'node_modules');
    for (const dep of ['commander', 'pino', 'prom-client', 'yaml', 're2js', '@bufbuild/cel']) {
      expect(existsSync(path.join(modules, dep, 'package.json'))).toBe(true);
    }
    for (const dev of ['node', 'typescript', 'jest', '@swc/core', 'eslint', 'prettier']) {
      expect(existsSync(path.join(modules, dev))).toBe(false);
    }
    // Exactly the versions of the lock file.
    const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    for (const dep of ['@bufbuild/cel', 'pino', 'yaml', 're2js']) {
      const installed = JSON.parse(readFileSync(path.join(modules, dep, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(installed.version).toBe(lock.packages[`node_modules/${dep}`]?.version);
    }
    const sizes = {
      nodeModulesBytes: duBytes(modules),
      distBytes: duBytes(path.join(app, 'dist')),
      crdsBytes: duBytes(path.join(app, 'crds')),
      nodeBinaryBytes: statSync(process.execPath).size,
    };
    const dir = artifactsDirFor('shipping-image');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
    // The whole app layer stays small next to the Node runtime of the base image.
    expect(sizes.nodeModulesBytes + sizes.distBytes).toBeLessThan(100 * 1024 * 1024);
  });

  it(
    'runs the entrypoint as uid 65534: --help prints the usage and exits 0',
    () => {
      // nobody cannot write anywhere in the staged tree (as with readOnlyRootFilesystem).
      const touch = asNobody('touch', [path.join(app, 'probe')]);
      expect(touch.status).not.toBe(0);

      const before = snapshot(root);
      const help = asNobody(entrypoint, ['--help']);
      expect(help.stderr).toContain('Usage of api-syncagent:');
      expect(help.stderr).toContain('--apiexportendpointslice-ref string');
      expect(help.status).toBe(0);

      const toolkit = asNobody(path.join(app, 'bin', 'pubres-toolkit'), ['--help']);
      expect(toolkit.status).toBe(0);
      expect(toolkit.stdout + toolkit.stderr).toContain('crd');
      expect(snapshot(root)).toBe(before);
    },
    STEP_TIMEOUT,
  );

  it('starts Node with the same flags as the e2e and benchmark launchers', () => {
    const script = readFileSync(path.join(app, 'bin', 'api-syncagent'), 'utf8');
    // A shebang carries one argument: the flags must stay a single one.
    expect(AGENT_NODE_FLAGS).toHaveLength(1);
    expect(script.split('\n')[0]).toBe(`#!${DISTROLESS_NODE} ${AGENT_NODE_FLAGS.join(' ')}`);
  });

  it('has a Dockerfile whose runtime stage is distroless Node 24, non-root, and runs no shell', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m);
    const runtime = stages.at(-1)!;
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs24-debian12$/m);
    expect(runtime.split('\n')[0]).toBe('${RUNTIME_IMAGE}');
    // No RUN in the runtime stage: there is no shell to run it.
    expect(runtime).not.toMatch(/^RUN /m);
    expect(runtime).toMatch(/^USER 65534:65534$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["api-syncagent"\]$/m);
    expect(runtime).toMatch(/PATH=\/opt\/api-syncagent\/bin:\/nodejs\/bin:/);
  });

  it(
    'starts as uid 65534 with the Deployment flags and fails only for the missing cluster config',
    () => {
      const before = snapshot(root);
      const run = asNobody(entrypoint, [
        '--namespace=api-syncagent',
        '--agent-name=example-syncagent',
        '--apiexportendpointslice-ref=example.com',
        '--kcp-kubeconfig=/etc/api-syncagent/kcp/kubeconfig',
        '--enable-leader-election=true',
        '--health-address=0',
        '--metrics-address=0',
      ]);
      expect(run.stderr).toContain("Moin, I'm the kcp Sync Agent");
      expect(run.stderr).not.toContain('EACCES');
      expect(run.stderr).not.toContain('EROFS');
      expect(run.status).toBe(1);
      expect(snapshot(root)).toBe(before);
    },
    STEP_TIMEOUT,
  );
});
