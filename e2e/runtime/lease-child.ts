// A replica for the two-process leader-election test: a Manager with leader election on the service
// cluster; prints "leading <identity>" once it holds the Lease. Run with Node's type stripping:
//   node --import ./hack/lib/ts-hooks.mjs e2e/runtime/lease-child.ts <kubeconfig> <lease name> <identity>
import { loadRestConfig, Manager, RestClient } from '../../operator/runtime/index.js';

const [kubeconfig, leaseName, identity] = process.argv.slice(2);
if (!kubeconfig || !leaseName || !identity)
  throw new Error('usage: lease-child.ts <kubeconfig> <lease name> <identity>');
const mgr = new Manager({
  client: new RestClient(loadRestConfig({ kubeconfig })),
  leaderElection: { enabled: true, namespace: 'kube-system', name: leaseName, identity },
  onLeadershipLost: () => {
    console.log(`lost ${identity}`);
    process.exit(1);
  },
});
mgr.add({ start: () => console.log(`leading ${identity}`) });
mgr.handleSignals();
console.log(`candidate ${identity}`);
await mgr.start();
