import { runTemplateCommand } from './template-cmd.js';

const files: Record<string, string> = {
  'obj.json':
    '{"Object":{"metadata":{"namespace":"objnamespace","name":"objname"},"spec":{"n":3}},"ClusterName":"testcluster"}',
  'name.tpl': '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }}',
  'bad.json': '{nope',
};
const read = (p: string): string => {
  const f = files[p];
  if (f === undefined) throw new Error(`no such file ${p}`);
  return f;
};

describe('pubres-toolkit template', () => {
  it('renders the default naming template like the agent (Go agent vector)', () => {
    expect(runTemplateCommand(undefined, { file: 'name.tpl', data: 'obj.json' }, read)).toEqual({
      stdout: '2928c2aa0e510f017f07-73d08a1ba188f1340dae\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('keeps int64 numbers and prints <no value> for missing keys', () => {
    const r = runTemplateCommand('{{ .Object.spec.n }} {{ .Object.spec.x }}', { data: 'obj.json' }, read);
    expect(r.stdout).toBe('3 <no value>\n');
  });

  it('reports a missing struct field as Go does', () => {
    const r = runTemplateCommand('{{ .Nope }}', { data: 'obj.json' }, read);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'template: inline:1:3: executing "inline" at <.Nope>: can\'t evaluate field Nope in type templateData\n',
    );
  });

  it('escapes like html/template with --html and has no agent functions there', () => {
    expect(runTemplateCommand('{{ "<a>" }}', { html: true }, read).stdout).toBe('&lt;a&gt;\n');
    expect(runTemplateCommand('{{ sha3sum "x" }}', { html: true }, read).stderr).toBe(
      'template: inline:1: function "sha3sum" not defined\n',
    );
  });

  it('supports map context and raw output', () => {
    expect(runTemplateCommand('  {{ .a }}  ', { context: 'map', raw: true }, () => '{"a":1.5}').stdout).toBe(
      '  <no value>  \n',
    );
    expect(
      runTemplateCommand('  {{ .a }}  ', { context: 'map', raw: true, data: 'x' }, () => '{"a":1.5}').stdout,
    ).toBe('  1.5  \n');
  });

  it('rejects bad input with a clear message', () => {
    expect(runTemplateCommand('x', { data: 'bad.json' }, read).stderr).toMatch(
      /^error: --data bad.json: invalid JSON/,
    );
    expect(runTemplateCommand(undefined, {}, read).stderr).toBe(
      'error: missing template (argument or --file)\n',
    );
    expect(runTemplateCommand('x', { context: 'list' }, read).exitCode).toBe(1);
  });
});
