import type { RestConfig } from '../client/config.js';
import { Credentials } from '../client/credentials.js';

/** A RestConfig for a plain-HTTP test server with a static bearer token. */
export function testRestConfig(server: string, token = 'test-token'): RestConfig {
  return {
    server,
    credentials: new Credentials(
      { server, insecureSkipTLSVerify: false },
      { auth: { type: 'token', token } },
    ),
  };
}
