import { runInNewContext } from 'node:vm';
import { renderTemplate } from './index.js';

test('objects from another realm (e.g. structuredClone under jest) are maps, not nil', () => {
  const foreign = runInNewContext('({ metadata: { name: "x" } })');
  expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
  expect(renderTemplate('{{ .metadata.name }}', foreign)).toBe('x');
});
