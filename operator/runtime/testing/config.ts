import { KubeConfig } from '@kubernetes/client-node';
import type { RestConfig } from '../client/config.js';

/** A RestConfig for a plain-HTTP test server with a static bearer token. */
export function testRestConfig(server: string, token = 'test-token'): RestConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser({ name: 'test', server, skipTLSVerify: false }, { name: 'test', token });
  return { server, kubeConfig: kc };
}
