import {
  compileTemplate,
  fixedTemplateEnvironment,
  renderTemplate,
  useTemplateEnvironment,
  type TemplateEnvironment,
} from './index.js';
import { unconfiguredTemplateEnvironment } from './environment.js';

const render = (text: string, environment: TemplateEnvironment): string =>
  renderTemplate(text, {}, { environment });

describe('template environment', () => {
  afterEach(() => useTemplateEnvironment(unconfiguredTemplateEnvironment));

  it('now and the date functions read the injected clock', () => {
    const env = fixedTemplateEnvironment({ nowMs: Date.UTC(2031, 1, 3, 4, 5, 6, 789) });
    expect(render('{{ now | date "2006-01-02T15:04:05.000Z07:00" }}', env)).toBe('2031-02-03T04:05:06.789Z');
    expect(render('{{ date "2006" "not a time" }}|{{ htmlDate "" }}', env)).toBe('2031|2031-02-03');
    expect(render('{{ ago (toDate "2006-01-02" "2031-02-01") }}', env)).toBe('52h5m6s');
  });

  it('env, expandenv and the Local zone read the injected variables', () => {
    const env = fixedTemplateEnvironment({ env: { USER: 'kcp', TZ: 'Asia/Tokyo' } });
    expect(render('{{ env "USER" }}|{{ env "HOME" }}|{{ expandenv "hi $USER, ${USER}!" }}', env)).toBe(
      'kcp||hi kcp, kcp!',
    );
    expect(render('{{ date "15:04 MST" 0 }}', env)).toBe('09:00 JST');
    expect(render('{{ date "15:04 MST" 0 }}', fixedTemplateEnvironment())).toBe('00:00 UTC');
  });

  it('randAlphaNum and the other random functions draw from the injected source', () => {
    const tpl =
      '{{ randAlphaNum 16 }}|{{ randNumeric 8 }}|{{ randBytes 6 }}|{{ shuffle "abcdef" }}|{{ uuidv4 }}|{{ randInt 10 1000000 }}';
    const a = render(tpl, fixedTemplateEnvironment({ seed: 'one' }));
    expect(render(tpl, fixedTemplateEnvironment({ seed: 'one' }))).toBe(a);
    expect(render(tpl, fixedTemplateEnvironment({ seed: 'two' }))).not.toBe(a);
    const [alnum, num, bytes, shuffled, uuid, int] = a.split('|') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    expect(alnum).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(num).toMatch(/^[0-9]{8}$/);
    expect(Buffer.from(bytes, 'base64')).toHaveLength(6);
    expect([...shuffled].sort().join('')).toBe('abcdef');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number(int)).toBeGreaterThanOrEqual(10);
    expect(Number(int)).toBeLessThan(1000000);
  });

  it('an installed environment is used when the compile options give none', () => {
    useTemplateEnvironment(fixedTemplateEnvironment({ env: { NAME: 'installed' } }));
    expect(compileTemplate('{{ env "NAME" }}').execute({})).toBe('installed');
    const given = fixedTemplateEnvironment({ env: { NAME: 'given' } });
    expect(compileTemplate('{{ env "NAME" }}', { environment: given }).execute({})).toBe('given');
  });

  it('without any environment the non-hermetic functions fail and the others work', () => {
    expect(compileTemplate('{{ upper "x" }}').execute({})).toBe('X');
    expect(() => compileTemplate('{{ now }}').execute({})).toThrow(/no template environment is configured/);
    expect(() => compileTemplate('{{ env "HOME" }}').execute({})).toThrow(/no template environment/);
    expect(() => compileTemplate('{{ randAlpha 3 }}').execute({})).toThrow(/no template environment/);
  });
});
