import { USER_AGENT, VERSION } from './version.js';

test('user agent names the version', () => {
  expect(USER_AGENT).toBe(`api-syncagent-ts/${VERSION}`);
});
