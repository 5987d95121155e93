import { runPathCommand } from './path-cmd.js';
import { runCelCommand } from './cel-cmd.js';
import { runMutateCommand } from './mutate-cmd.js';

const files: Record<string, string> = {
  'obj.json':
    '{"metadata":{"name":"n"},"spec":{"replicas":3,"image":"ubuntu:latest","users":[{"name":"a","age":30},{"name":"b","age":20}],"secretName":"s"}}',
  'other.json': '{"spec":{"image":"nginx"}}',
  'text.json': '{"spec":{"tags":"[\\"x\\",\\"y\\"]"}}',
  'pr.yaml': [
    'apiVersion: syncagent.kcp.io/v1alpha1',
    'kind: PublishedResource',
    'spec:',
    '  mutation:',
    '    spec:',
    '      - delete: { path: spec.secretName }',
    '      - regex: { path: spec.image, pattern: ":.*", replacement: "" }',
    '      - template: { path: spec.note, template: "{{ .Value.String }}{{ .RemoteObject.spec.image }}" }',
  ].join('\n'),
  'steps.yaml': '- cel: { path: spec.replicas, expression: "self.spec.replicas + 1" }\n',
  'bad.yaml': '- cel: { path: spec.replicas, expression: "1 +" }\n',
};
const read = (p: string): string => {
  const f = files[p];
  if (f === undefined) throw new Error(`no such file ${p}`);
  return f;
};

describe('pubres-toolkit path', () => {
  it('prints String() and exits 1 when missing', () => {
    expect(runPathCommand('spec.users.#.name', { data: 'obj.json' }, read)).toEqual({
      stdout: '["a","b"]\n',
      stderr: '',
      exitCode: 0,
    });
    expect(runPathCommand('spec.users.#(age>25).name', { data: 'obj.json' }, read).stdout).toBe('a\n');
    expect(runPathCommand('spec.nope', { data: 'obj.json' }, read).exitCode).toBe(1);
  });
  it('json output and writes', () => {
    expect(runPathCommand('spec.replicas', { data: 'obj.json', output: 'json' }, read).stdout).toBe(
      '{"exists":true,"type":"Number","raw":"3","string":"3"}\n',
    );
    expect(runPathCommand('spec', { data: 'other.json', set: 'x' }, read).stdout).toBe('{"spec":"x"}\n');
    expect(runPathCommand('spec.image', { data: 'other.json', delete: true }, read).stdout).toBe(
      '{"spec":{}}\n',
    );
    expect(runPathCommand('spec.*', { data: 'other.json', delete: true }, read).stderr).toBe(
      'error: cannot delete value from a complex path\n',
    );
  });
  it('writes inside a string holding a JSON array as sjson does, and decodes the result', () => {
    expect(runPathCommand('spec.tags.0', { data: 'text.json', set: 'N' }, read).stdout).toBe(
      '{"spec":{"tags":"[\\"N"}}\n',
    );
    expect(runPathCommand('spec.tags.0', { data: 'text.json', delete: true }, read).stderr).toBe(
      "error: invalid character '}' in string escape code\n",
    );
  });
});

describe('pubres-toolkit cel', () => {
  it('evaluates with self, other and value', () => {
    expect(runCelCommand('self.spec.replicas + 1', { object: 'obj.json' }, read).stdout).toBe('4\n');
    expect(runCelCommand('value + 1.0', { object: 'obj.json', path: 'spec.replicas' }, read).stdout).toBe(
      '4\n',
    );
    expect(runCelCommand('other.spec.image', { object: 'obj.json', other: 'other.json' }, read).stdout).toBe(
      '"nginx"\n',
    );
    expect(runCelCommand('1 +', {}, read).exitCode).toBe(1);
  });
});

describe('pubres-toolkit mutate', () => {
  it('applies the mutation list of a PublishedResource', () => {
    const r = runMutateCommand({ mutations: 'pr.yaml', object: 'obj.json', other: 'other.json' }, read);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).spec).toEqual({
      image: 'ubuntu',
      note: 'nginx',
      replicas: 3,
      users: [
        { age: 30, name: 'a' },
        { age: 20, name: 'b' },
      ],
    });
  });
  it('accepts a plain list and reports errors with the field path', () => {
    expect(
      JSON.parse(runMutateCommand({ mutations: 'steps.yaml', object: 'obj.json' }, read).stdout).spec
        .replicas,
    ).toBe(4);
    expect(runMutateCommand({ mutations: 'bad.yaml', object: 'obj.json' }, read).stderr).toMatch(
      /^error: mutations\.spec\[0\]\.cel\.expression: cannot create transformer for spec: failed to compile CEL expression/,
    );
  });
});
