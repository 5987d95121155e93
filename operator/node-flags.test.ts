import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_V8_FLAGS } from './node-flags.js';

const operator = dirname(fileURLToPath(import.meta.url));

describe('V8 flags of the agent process', () => {
  it('are set before main.ts loads any other module of the agent', () => {
    const imports = [...readFileSync(join(operator, 'main.ts'), 'utf8').matchAll(/^import .*'(.+)';$/gm)].map(
      (m) => m[1],
    );
    expect(imports[0]).toBe('./node-flags.js');
  });

  // v8.setFlagsFromString ignores a flag it does not know: node itself refuses one on its command line.
  it.each(AGENT_V8_FLAGS)('%s is a flag this node accepts', (flag) => {
    expect(() => execFileSync(process.execPath, [flag, '-e', '0'], { stdio: 'pipe' })).not.toThrow();
  });

  it('rejects an unknown flag (the check above can fail)', () => {
    expect(() =>
      execFileSync(process.execPath, ['--optimise-for-size', '-e', '0'], { stdio: 'pipe' }),
    ).toThrow();
  });
});
