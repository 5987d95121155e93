import { FakeClock } from './clock.js';
import { RestClient } from './client/rest.js';
import { Informer } from './informer.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { testRestConfig } from './testing/config.js';

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Informer.restartWatch', () => {
  it('re-watches at once, and relists when the given resourceVersion is expired', async () => {
    const server = new FakeApiServer('/apis/example.com/v1/things');
    const client = new RestClient(testRestConfig(await server.start()));
    server.upsert({ metadata: { name: 'a' } });
    server.upsert({ metadata: { name: 'b' } });
    server.compact();
    const inf = new Informer({
      client,
      gvr: { group: 'example.com', version: 'v1', resource: 'things' },
      minBackoffMs: 10,
    });
    inf.start();
    await inf.waitForSync();
    await until(() => inf.stats.watches === 1, 'first watch');
    inf.restartWatch();
    await until(() => inf.stats.watches === 2, 're-watch');
    expect(inf.stats.lists).toBe(1);
    inf.restartWatch('1');
    await until(() => inf.stats.relistsAfterGone === 1 && inf.stats.lists === 2, 'relist after 410');
    expect(inf.stats.errors).toBe(1); // only the 410
    await inf.stop();
    await server.stop();
  });

  it('abandons a watch that stays silent past its timeout (dead connection) and re-watches', async () => {
    const server = new FakeApiServer('/apis/example.com/v1/things');
    const client = new RestClient(testRestConfig(await server.start()));
    const clock = new FakeClock();
    const inf = new Informer({
      client,
      clock,
      gvr: { group: 'example.com', version: 'v1', resource: 'things' },
    });
    inf.start();
    await inf.waitForSync();
    await until(() => server.requests.some((r) => r.url.includes('watch=true')), 'first watch');
    const timeout = Number(
      new URL(server.requests.find((r) => r.url.includes('watch=true'))!.url, 'http://x').searchParams.get(
        'timeoutSeconds',
      ),
    );
    expect(timeout).toBeGreaterThanOrEqual(300);
    clock.step((timeout + 59) * 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(inf.stats.watches).toBe(1);
    clock.step(1000);
    await until(() => inf.stats.watches === 2, 're-watch after the watchdog');
    expect(inf.stats.errors).toBe(0);
    await inf.stop();
    await server.stop();
  });
});
