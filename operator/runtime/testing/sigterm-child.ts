// Child process for manager-signals.test.ts: a manager with one controller whose reconcile takes
// 300 ms; prints "started" when the reconcile begins and "finished" when it ends.
import { Controller } from '../controller.js';
import { Manager } from '../manager.js';
import { RestClient } from '../client/rest.js';
import { testRestConfig } from './config.js';

const mgr = new Manager({
  client: new RestClient(testRestConfig('http://127.0.0.1:9')),
  gracefulShutdownMs: 5_000,
});
const ctl = new Controller({
  name: 'sigterm-child',
  reconciler: {
    reconcile: async () => {
      console.log('started');
      await new Promise((r) => setTimeout(r, 300));
      console.log('finished');
      return {};
    },
  },
});
mgr.addController(ctl);
mgr.handleSignals();
void mgr.start();
ctl.enqueue({ cluster: '', namespace: '', name: 'x' });
