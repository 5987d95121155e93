import {
  FuncError,
  GoStruct,
  TemplateError,
  compileTemplate,
  fn,
  jsonToGoValue,
  registerFunction,
  renderTemplate,
} from './index.js';

function errorOf(f: () => unknown): TemplateError {
  try {
    f();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw new Error(`expected a TemplateError, got ${String(e)}`);
  }
  throw new Error('expected an error');
}

/** A gjson.Result-like value as the mutation engine passes it to template mutations. */
function gjsonResult(raw: string, str: string): GoStruct {
  return new GoStruct({ Type: 3n, Raw: raw, Str: str, Num: 0, Index: 0n }, 'gjson.Result', {
    String: () => str,
    Exists: () => true,
    Int: () => 0n,
  });
}

describe('renderTemplate', () => {
  it('renders the default naming template with the Go agent vector', () => {
    const data = new GoStruct({
      Object: jsonToGoValue({ metadata: { namespace: 'objnamespace', name: 'objname' } }),
      ClusterName: 'testcluster',
      ClusterPath: '',
    });
    expect(
      renderTemplate(
        '{{ .Object.metadata.namespace | sha3short }}-{{ .Object.metadata.name | sha3short }}',
        data,
      ),
    ).toBe('2928c2aa0e510f017f07-73d08a1ba188f1340dae');
    expect(renderTemplate('  {{ .ClusterName }}\n', data)).toBe('testcluster');
  });

  it('keeps the raw output in execute() and trims in renderTemplate()', () => {
    expect(compileTemplate(' x \n').execute({})).toBe(' x \n');
    expect(renderTemplate(' x \n', {})).toBe('x');
  });

  it('decodes JSON numbers like Kubernetes (int64 vs float64)', () => {
    expect(renderTemplate('{{ typeOf .a }} {{ typeOf .b }} {{ .b }}', jsonToGoValue({ a: 1, b: 1.5 }))).toBe(
      'int64 float64 1.5',
    );
  });
});

describe('struct values with methods (gjson results in mutations)', () => {
  const ctx = new GoStruct({
    Value: gjsonResult('"ubuntu:latest"', 'ubuntu:latest'),
    LocalObject: {},
    RemoteObject: null,
  });

  it('calls methods and prints Stringers via String()', () => {
    expect(renderTemplate('{{ upper .Value.String }}', ctx, { html: true, funcs: 'sprig' })).toBe(
      'UBUNTU:LATEST',
    );
    expect(renderTemplate('{{ .Value }}|{{ .Value.Raw }}|{{ .Value.Exists }}', ctx, { funcs: 'sprig' })).toBe(
      'ubuntu:latest|"ubuntu:latest"|true',
    );
    expect(renderTemplate('{{ printf "%s" .Value }}|{{ toString .Value }}', ctx, { funcs: 'sprig' })).toBe(
      'ubuntu:latest|ubuntu:latest',
    );
  });

  it('treats a nil struct field as a nil map', () => {
    expect(renderTemplate('{{ .RemoteObject.spec }}', ctx, { funcs: 'sprig' })).toBe('<no value>');
  });

  it('escapes interpolated values in html mode only', () => {
    const c = new GoStruct({ Value: gjsonResult('"a<b"', 'a<b') });
    expect(renderTemplate('{{ .Value }}', c, { html: true, funcs: 'sprig' })).toBe('a&lt;b');
    expect(renderTemplate('{{ .Value }}', c, { funcs: 'sprig' })).toBe('a<b');
  });

  it('reports unknown fields with the struct type name', () => {
    expect(errorOf(() => renderTemplate('{{ .Nope }}', ctx, { funcs: 'sprig' })).message).toBe(
      'template: inline:1:3: executing "inline" at <.Nope>: can\'t evaluate field Nope in type struct',
    );
  });
});

describe('errors', () => {
  it('are TemplateErrors with kind, template name and position', () => {
    const p = errorOf(() => compileTemplate('a\n{{ nope }}', { name: 'spec.naming.name' }));
    expect(p).toMatchObject({ kind: 'parse', template: 'spec.naming.name', line: 2 });
    expect(p.message).toBe('template: spec.naming.name:2: function "nope" not defined');

    const x = errorOf(() => renderTemplate('x\n  {{ .a | upper }}', {}));
    expect(x).toMatchObject({ kind: 'exec', line: 2, col: 10 });
  });

  it('agent functions are not available with funcs: sprig', () => {
    expect(errorOf(() => compileTemplate('{{ sha3sum "x" }}', { funcs: 'sprig' })).message).toBe(
      'template: inline:1: function "sha3sum" not defined',
    );
  });
});

describe('bounded work', () => {
  it('stops a huge range with a clear error instead of hanging', () => {
    const e = errorOf(() => renderTemplate('{{ range 1000000000 }}x{{ end }}', {}, { maxSteps: 10_000 }));
    expect(e.kind).toBe('exec');
    expect(e.message).toMatch(/exceeded the limit of 10000 steps/);
  });

  it('limits the output size', () => {
    const e = errorOf(() =>
      renderTemplate('{{ range 100000 }}0123456789{{ end }}', {}, { maxOutputBytes: 1000 }),
    );
    expect(e.message).toMatch(/output exceeded the limit of 1000 bytes/);
  });

  it('checks allocation sizes of repeat, until, untilStep and seq before allocating', () => {
    for (const t of [
      '{{ repeat 1000000000 "ab" }}',
      '{{ until 1000000000 }}',
      '{{ untilStep 0 2000000000 1 }}',
      '{{ seq 1000000000 }}',
    ]) {
      expect(errorOf(() => renderTemplate(t, {})).message).toMatch(/exceeds the limit of/);
    }
  });

  // No wall-clock assertion (it flakes on a loaded machine): a quadratic uniq over a million items
  // would take hours, so the test's own timeout is the guard.
  it('keeps list functions linear on large scalar lists', () => {
    expect(renderTemplate('{{ len (uniq (until 1000000)) }}', {})).toBe('1000000');
    expect(errorOf(() => renderTemplate('{{ until 2000000 }}', {})).message).toMatch(
      /exceeds the limit of 1048576/,
    );
  });

  it('turns runaway recursion into Go’s depth error', () => {
    expect(
      errorOf(() => renderTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {}))
        .message,
    ).toMatch(/exceeded maximum template depth \(100000\)/);
  });
});

describe('registerFunction', () => {
  it('adds a typed function to templates compiled afterwards', () => {
    registerFunction(
      'testDouble',
      fn(['string'], (s: string) => s + s),
    );
    expect(renderTemplate('{{ "ab" | testDouble }}', {})).toBe('abab');
    expect(errorOf(() => renderTemplate('{{ testDouble 1 }}', {})).message).toBe(
      'template: inline:1:14: executing "inline" at <1>: expected string; found 1',
    );
  });

  it('reports FuncErrors as Go does', () => {
    registerFunction(
      'testFail',
      fn([], () => {
        throw new FuncError('nope');
      }),
    );
    expect(errorOf(() => renderTemplate('{{ testFail }}', {})).message).toBe(
      'template: inline:1:3: executing "inline" at <testFail>: error calling testFail: nope',
    );
  });
});

describe('plain objects from another realm', () => {
  it('are maps (objects made by structuredClone or another VM context)', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('({ metadata: { name: "x" }, n: 1.5 })') as Record<string, unknown>;
    expect(renderTemplate('{{ .metadata.name }} {{ .n }} {{ typeOf . }}', foreign)).toBe(
      'x 1.5 map[string]interface {}',
    );
    expect(
      renderTemplate(
        '{{ .Object.metadata.name }}',
        new GoStruct({ Object: structuredClone({ metadata: { name: 'y' } }) }),
      ),
    ).toBe('y');
  });
});
