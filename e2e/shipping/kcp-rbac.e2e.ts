// Proof for the kcp-side examples: manifests/examples/kcp-apiexport.yaml and kcp-rbac.yaml
// apply in a fresh workspace of the test world's real kcp, kcp creates the same-named endpoint slice
// the agent is pointed at, and the bound identity gets exactly the documented permissions.
import path from 'node:path';

import { runKcp } from '../world/run.js';
import { waitFor } from '../world/wait.js';
import { kubectl, REPO_ROOT } from './support.js';

const STEP_TIMEOUT = 180_000;
const EXAMPLES = path.join(REPO_ROOT, 'manifests', 'examples');

describe('manifests/examples kcp side', () => {
  let kubeconfig: string;

  beforeAll(async () => {
    const kcp = runKcp();
    const ws = await kcp.createWorkspace('root', 'shipping-kcp-rbac');
    kubeconfig = kcp.writeAdminKubeconfig(ws);
  }, STEP_TIMEOUT);

  it(
    'applies in the provider workspace and grants the agent identity what the agent uses',
    async () => {
      for (const f of ['kcp-apiexport.yaml', 'kcp-rbac.yaml']) {
        const r = kubectl(['--kubeconfig', kubeconfig, 'apply', '-f', path.join(EXAMPLES, f)]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      await waitFor(
        async () =>
          kubectl(['--kubeconfig', kubeconfig, 'get', 'apiexportendpointslices.apis.kcp.io', 'example.com'])
            .code === 0,
        {
          description: 'kcp to create APIExportEndpointSlice example.com',
          timeoutMs: 60_000,
          intervalMs: 500,
        },
      );
      const can = (...args: string[]): string =>
        kubectl([
          '--kubeconfig',
          kubeconfig,
          'auth',
          'can-i',
          ...args,
          '--as',
          'api-syncagent',
        ]).stdout.trim();
      expect(can('get', 'logicalclusters.core.kcp.io/cluster')).toBe('yes');
      expect(can('watch', 'apiexportendpointslices.apis.kcp.io')).toBe('yes');
      expect(can('patch', 'apiexports.apis.kcp.io/example.com')).toBe('yes');
      expect(can('create', 'apiresourceschemas.apis.kcp.io')).toBe('yes');
      expect(can('create', 'events')).toBe('yes');
      // Name-restricted: other exports stay untouchable.
      expect(can('patch', 'apiexports.apis.kcp.io/other')).toMatch(/^no/);
      expect(can('delete', 'apiresourceschemas.apis.kcp.io')).toMatch(/^no/);
    },
    STEP_TIMEOUT,
  );
});
