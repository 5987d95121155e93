/**
 * Seeded differential fuzzer: random Go templates (text and html, naming-style struct contexts),
 * gjson paths, sjson writes and deletes, CEL expressions and whole mutation lists are evaluated by the
 * Go oracles (hack/oracle-template, hack/oracle-paths: the Go libraries at the versions the Go agent
 * resolves) and by this repository's engine; every difference is reported.
 *
 *   hack/fuzz.sh --cases 20000 --seed 7 [--record] [--show 10]
 *
 * The differing cases are written to .artifacts/fuzz/seed-N/findings.json with Go's answers. With
 * --record they are appended to the oracle corpora (hack/oracle-template/cases.txt,
 * hack/oracle-paths/corpus/*.json) and the regen scripts turn them into golden files. After fixing,
 * `--replay <findings.json> --record` re-checks earlier findings without Go and records the ones that
 * now agree as goldens, so every fixed difference stays covered by the unit tests.
 * The oracle binaries are expected in $FUZZ_BIN (hack/fuzz.sh builds them).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GoStruct,
  TemplateError,
  compileTemplate,
  parseJsonToGo,
} from '../operator/golang/template/index.js';
import { parseJson, getPath, type Result } from '../operator/golang/gjson/index.js';
import { formatFloatG } from '../operator/golang/gjson/gofloat.js';
import { processEnvironment } from '../operator/runtime/process-environment.js';
import { goMarshal } from '../operator/golang/json/marshal.js';
import { runMutationCase, comparable } from '../operator/engine/mutation/golden.js';
import { runSjsonCase, type SjsonCase } from '../operator/golang/gjson/golden.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const total = Number(opt('cases', '20000'));
const seedArg = Number(opt('seed', '1'));
const record = args.includes('--record');
const show = Number(opt('show', '10'));
const bin = process.env.FUZZ_BIN ?? join(root, '.artifacts', 'fuzz', 'bin');

// mulberry32: small, seedable, good enough for test generation
let state = seedArg >>> 0 || 1;
function rnd(n: number): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) | 0;
}
const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;
const times = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);

// ---------------------------------------------------------------- templates

const STRINGS = [
  '"s"',
  '"日本語"',
  '"größe"',
  '"é"',
  '"a,b,c"',
  '"3.7"',
  '"-2.5"',
  '"0x1p3"',
  '"1e3"',
  '"99999999999999999999"',
  '""',
  '" x "',
  '"<b>&\'"',
  '"\\xff"',
  '"2024-02-30"',
  '"1.2.3"',
  '"v1.x"',
];
const OPERANDS = [
  '.',
  '.a',
  '.b.c',
  '.s',
  '.u',
  '.l',
  '.m',
  '.m.k',
  '.nope',
  '$',
  '1',
  '-2',
  '3.5',
  '0x1F',
  '1e3',
  'nil',
  'true',
  '0',
  '2',
  '-1',
  '7',
  "'c'",
  ...STRINGS,
];
const FUNCS = [
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'not',
  'html',
  'js',
  'urlquery',
  'list',
  'dict',
  'default',
  'empty',
  'coalesce',
  'ternary',
  'toJson',
  'toRawJson',
  'toString',
  'upper',
  'lower',
  'title',
  'trim',
  'quote',
  'squote',
  'cat',
  'join',
  'splitList',
  'first',
  'last',
  'rest',
  'initial',
  'reverse',
  'uniq',
  'has',
  'without',
  'compact',
  'concat',
  'append',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'max',
  'min',
  'addf',
  'mulf',
  'int',
  'int64',
  'float64',
  'atoi',
  'typeOf',
  'kindOf',
  'hasKey',
  'get',
  'pick',
  'omit',
  'dig',
  'sha3sum',
  'sha3short',
  'shortHash',
  'sha1sum',
  'sha256sum',
  'adler32sum',
  'b64enc',
  'b32enc',
  'trunc',
  'substr',
  'repeat',
  'until',
  'abbrev',
  'indent',
  'replace',
  'plural',
  'sortAlpha',
  'regexFind',
  'regexReplaceAll',
  'contains',
  'hasPrefix',
  'snakecase',
  'camelcase',
  'kebabcase',
  'toStrings',
  'deepEqual',
  'round',
  'ceil',
  'floor',
  'base',
  'ext',
  'clean',
  'semver',
  'semverCompare',
  'toDate',
  'mustToDate',
  'date',
  'dateInZone',
  'nospace',
  'initials',
];
const ZONES = [
  '"UTC"',
  '"Europe/Berlin"',
  '"America/New_York"',
  '"Asia/Kolkata"',
  '"Asia/Tokyo"',
  '"Nope/Zone"',
  '"Local"',
  '""',
];
const VERBS = 'vdsqxXobeEfFgGtcU%T'.split('');

function tTerm(depth: number): string {
  return depth < 2 && rnd(8) === 0 ? `(${tPipeline(depth + 1, 2)})` : pick([...OPERANDS, ...FUNCS]);
}
function tCommand(depth: number): string {
  let s = pick([...OPERANDS, ...FUNCS, ...FUNCS]);
  for (let k = rnd(4); k > 0; k--) s += ' ' + tTerm(depth);
  return s;
}
function tPipeline(depth: number, max: number): string {
  let s = tCommand(depth);
  for (let k = rnd(max); k > 0; k--) s += ' | ' + tCommand(depth);
  return s;
}
function tAction(): string {
  switch (rnd(16)) {
    case 0:
      return `{{ if ${tPipeline(0, 2)} }}T{{ else }}F{{ end }}`;
    case 1:
      return `{{ range $i, $v := ${tPipeline(0, 1)} }}[{{ $i }}:{{ $v }}]{{ else }}E{{ end }}`;
    case 2:
      return `{{ with ${tPipeline(0, 1)} }}<{{ . }}>{{ end }}`;
    case 3:
      return `{{ $x := ${tPipeline(0, 1)} }}{{ $x }}`;
    case 4: {
      let f = '';
      for (let k = 1 + rnd(3); k > 0; k--) {
        f += '%';
        for (let j = rnd(3); j > 0; j--) f += pick(['-', '+', '#', ' ', '0']);
        if (rnd(2)) f += String(rnd(10));
        if (rnd(2)) f += '.' + (rnd(3) ? String(rnd(6)) : '');
        f += pick(VERBS) + pick(['', '|', ' ']);
      }
      return `{{ printf ${JSON.stringify(f)} ${times(rnd(4), () => pick(OPERANDS)).join(' ')} }}`;
    }
    case 5: // bytes of Go strings: cut multibyte characters, then hash or measure them
      return `{{ ${pick(['trunc', 'substr 1'])} ${1 + rnd(6)} ${pick(['.u', '"日本語"', '"größe"', '"é"'])} | ${pick(['sha3sum', 'sha256sum', 'adler32sum', 'len', 'printf "%q"', 'printf "%x"', 'quote', 'toJson', 'b64enc', 'upper', 'sha3short'])} }}`;
    case 6: // casts at the resolved spf13/cast version
      return `{{ ${pick(['int', 'int64', 'float64', 'atoi'])} ${pick(STRINGS)} }}`;
    case 7: // dates and zones
      return `{{ ${pick(['dateInZone "2006-01-02 15:04 MST Z07:00"', 'htmlDateInZone'])} ${pick(['1700000000', '(toDate "2006-01-02" "2024-07-01")', '0'])} ${pick(ZONES)} }}`;
    case 8:
      return `{{ ${pick(['join', 'splitList'])} ${pick(['","', '"-"', '.l', '.s'])} ${pick(['.l', '.s', '(list "a" 1 nil)', '.m', 'nil'])} }}`;
    default:
      return `{{ ${tPipeline(0, 3)} }}`;
  }
}

const T_DATA =
  '{"a":12,"b":{"c":[1,"x",null,2.5]},"s":"Hello <W>","u":"größe-日本","l":[3,1,2],"m":{"k":"v","n":null},"f":2.675,"big":123456789012,"neg":-3.5,"z":0,"e":""}';

interface TemplateCase {
  template: string;
  data: string;
  ctx: string;
  mode: string;
  funcs: 'agent' | 'sprig';
  output?: string;
  error?: string;
}

function templateCases(n: number): { lines: string[]; directives: string[][] } {
  const blocks: { head: string[]; cases: string[] }[] = [
    { head: ['#! ctx map', '#! mode text', '#! funcs agent', `#! data ${T_DATA}`], cases: [] },
    {
      head: [
        '#! ctx struct',
        '#! mode text',
        '#! funcs agent',
        `#! data {"Object":${T_DATA},"ClusterName":"root:org","ClusterPath":"root:org:ws"}`,
      ],
      cases: [],
    },
    { head: ['#! ctx map', '#! mode html', '#! funcs sprig', `#! data ${T_DATA}`], cases: [] },
  ];
  for (let i = 0; i < n; i++) {
    const b = rnd(10);
    let t = tAction();
    if (rnd(3) === 0) t += ' | ' + tAction();
    if (b < 6) blocks[0]!.cases.push(t);
    else if (b < 8)
      blocks[1]!.cases.push(
        t
          .replace(
            /(^|[\s(])\.(?=[a-zA-Z])/g,
            (_m, pre: string) => `${pre}${pick(['.Object.', '.Object.', '.'])}`,
          )
          .replace(/\$\.a/g, '$.ClusterName'),
      );
    else {
      const h = t.replace(/sha3sum|sha3short|shortHash/g, 'upper');
      blocks[2]!.cases.push(
        pick([
          h,
          `<p>${h}</p>`,
          `<a href="${h}">x</a>`,
          `<a title=${h}>`,
          `<script>var x = ${h};</script>`,
          `<p style="color: ${h}">`,
          `<a onclick="f('${h}')">`,
        ]),
      );
    }
  }
  const lines: string[] = [];
  const directives: string[][] = [];
  for (const b of blocks) {
    lines.push(...b.head);
    for (const c of b.cases) {
      lines.push(c.replace(/\n/g, '\u23ce'));
      directives.push(b.head);
    }
  }
  return { lines, directives };
}

function runTemplate(c: TemplateCase): { output?: string; error?: string } {
  const data = parseJsonToGo(c.data);
  try {
    return {
      output: compileTemplate(c.template, {
        html: c.mode === 'html',
        funcs: c.funcs,
        // the real clock and $TZ, like the Go oracle it is compared with
        environment: processEnvironment,
      }).execute(c.ctx === 'struct' ? new GoStruct(data as Record<string, unknown>, 'main.NameData') : data),
    };
  } catch (e) {
    return { error: e instanceof TemplateError ? e.message : `UNTYPED ${String(e)}` };
  }
}

// ---------------------------------------------------------------- gjson / sjson

const DOC = JSON.stringify({
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name: 'my-thing', namespace: 'ns-1', labels: { app: 'web', 'a.b': 'dot' } },
  spec: {
    replicas: 3,
    ratio: 0.25,
    neg: -7,
    flag: true,
    nothing: null,
    empty: '',
    text: '{"inner":[1,2]}',
    users: [
      { name: 'alice', age: 30, tags: ['a', 'b'] },
      { name: 'bob', age: 25, tags: ['c'] },
      { nick: 'dave', age: 19 },
    ],
    items: ['x', 'y', 'z'],
    nums: [3, 1, 2],
    nested: [[1, 2], [3, [4, 5]], 6],
    map: { b: 2, a: 1, '10': 'ten' },
    groups: { id: ['1', '2'], name: ['x', 'y'] },
  },
});
const KEYS = [
  'metadata',
  'name',
  'labels',
  'app',
  'a\\.b',
  'spec',
  'replicas',
  'users',
  'items',
  'nums',
  'nested',
  'map',
  'groups',
  'tags',
  'age',
  'nope',
  'text',
  'flag',
  'nothing',
  'empty',
  'b',
  '10',
  'us*rs',
  'na?e',
  '0',
  '1',
  '2',
  '5',
  '#',
  'id',
  '..#',
  '..0',
];
const MODS = [
  '@reverse',
  '@this',
  '@flatten',
  '@join',
  '@keys',
  '@values',
  '@tostr',
  '@fromstr',
  '@group',
  '@dig:name',
  '@dig:age',
  '@ugly',
  '@valid',
  '@flatten:{"deep":true}',
  '@pretty',
];
const QUERIES = [
  '#(age>20)',
  '#(age>20)#',
  '#(name=="bob")',
  '#(name%"a*")#',
  '#(nick)',
  '#(age<30).name',
  '#(tags.#>1)#',
];
const LITS = ['!true', '!123', '!1.5', '!-2', '!"x"', '!null', '!{"a":1}', '![1,2]', '!nan'];

function gPath(depth = 0): string {
  const parts: string[] = [];
  for (let k = 1 + rnd(4); k > 0; k--) {
    const r = rnd(12);
    if (r < 7) parts.push(pick(KEYS));
    else if (r < 8) parts.push(pick(QUERIES));
    else if (r < 10) parts.push(pick(MODS));
    else if (r < 11 && depth < 1)
      parts.push(pick([`[${gPath(1)},${gPath(1)}]`, `{${gPath(1)},"k":${gPath(1)}}`]));
    else parts.push(pick(LITS));
  }
  return parts.map((p, i) => (i === 0 ? p : (rnd(4) === 0 ? '|' : '.') + p)).join('');
}

function runGjson(c: { json: string; path: string }): Record<string, unknown> {
  const r: Result = getPath(parseJson(c.json), c.path);
  let value: string;
  try {
    value = goMarshal(r.value());
  } catch (e) {
    value = `ERR ${(e as Error).message}`;
  }
  return {
    bool: r.bool(),
    exists: r.exists(),
    float: formatFloatG(r.float()),
    int: r.int().toString(),
    raw: r.raw,
    string: r.string(),
    type: r.type,
    value,
  };
}

const SJSON_DOC =
  '{"spec":{"secretName":"foo","replicas":3,"list":[1,2,3],"objs":[{"n":"a"},{"n":"b"}],"s":"str","o":{"k":"v"},"a.b":"dot",' +
  '"t":"[[1,2],[3,[4,5]],6]","u":"{\\"k\\":[1,2]}"},"status":{}}';
const S_KEYS = [
  'spec',
  'status',
  'list',
  'objs',
  'n',
  's',
  'o',
  'k',
  'new',
  'a\\.b',
  '0',
  '1',
  '5',
  '-1',
  'replicas',
  'x',
  'spec.t',
  'spec.u',
];
function sPath(): string {
  return times(1 + rnd(4), () => pick(S_KEYS)).join('.');
}
function sCase(): Record<string, unknown> {
  const op = pick(['set', 'set', 'setRaw', 'delete']);
  const c: Record<string, unknown> = { json: SJSON_DOC, path: sPath(), op };
  if (op === 'set') c.value = pick(['v', '', '日本', 'a"b', '1', '<x>']);
  if (op === 'setRaw') c.value = pick(['1', '"s"', '[1,2]', '{"a":{"b":null}}', 'true', '-0.5', 'null']);
  return c;
}
const runSjson = (c: SjsonCase): Record<string, unknown> => ({ ...runSjsonCase(c) });

// ---------------------------------------------------------------- CEL and mutations

const OBJ = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name: 'n1', namespace: 'ns', labels: { a: 'b' } },
  spec: {
    replicas: 3,
    ratio: 0.5,
    image: 'nginx:1.2',
    tags: ['x', 'y'],
    flag: true,
    nil: null,
    m: { k: 'v' },
    t: '2024-01-01T10:00:00+02:00',
    html: '<b>&\'"</b>',
    u: 'größe',
  },
});
const OTHER = JSON.stringify({ spec: { image: 'other:2', replicas: 7 } });
const C_ATOMS = [
  '1',
  '-3',
  '0',
  '2u',
  '1.5',
  '-0.0',
  '1e-06',
  '123456789.0',
  '"a"',
  '"日本"',
  "'x'",
  'b"ab"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '[1, 2]',
  '[1, "a"]',
  '{"k": 1}',
  'self.spec.replicas',
  'self.spec.ratio',
  'self.spec.image',
  'self.spec.tags',
  'self.spec.flag',
  'self.spec.nil',
  'self.spec.m',
  'self.metadata.labels',
  'self.spec.nope',
  'value',
  'other',
  'other.spec.replicas',
  'timestamp("2024-01-01T10:00:00.250+02:00")',
  'duration("1.5s")',
  '9223372036854775807',
  '-9223372036854775808',
];
const C_BIN = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in'];
const C_FN = [
  'size(X)',
  'string(X)',
  'int(X)',
  'uint(X)',
  'double(X)',
  'type(X)',
  'dyn(X)',
  'bool(X)',
  'bytes(X)',
  'timestamp(X)',
  'duration(X)',
  'X.size()',
  'X.contains("a")',
  'X.startsWith("n")',
  'X.matches("^n")',
  'has(X.k)',
  '!X',
  '-X',
  'X[0]',
  'X["k"]',
  'X.all(e, e > 1)',
  'X.exists(e, e == "x")',
  'X.map(e, e + 1)',
  'X.filter(e, e != "x")',
  'X.getHours()',
];

function celExpr(depth = 0): string {
  const r = rnd(10);
  if (depth > 2 || r < 4) return pick(C_ATOMS);
  if (r < 7) return `${celExpr(depth + 1)} ${pick(C_BIN)} ${celExpr(depth + 1)}`;
  if (r < 9) return pick(C_FN).replace('X', celExpr(depth + 1));
  return `${celExpr(depth + 1)} ? ${celExpr(depth + 1)} : ${celExpr(depth + 1)}`;
}
const M_PATHS = [
  'spec.image',
  'spec.replicas',
  'spec.tags',
  'spec.m',
  'spec.new',
  'spec.tags.0',
  'spec.m.k',
  'metadata.labels.a',
  'spec.u',
];
const M_TEMPLATES = [
  '{{ .Value }}-x',
  '{{ .Value.String | upper }}',
  '{{ .Value.Int }}',
  '{{ .Value.Get "k" }}',
  '{{ .Value.Array }}',
  '{{ .Value.Map }}',
  '{{ .LocalObject.spec.replicas }}',
  '{{ .RemoteObject.spec.image }}',
  '{{ .LocalObject.spec.html }}',
  '<a href="{{ .Value }}">',
  '{{ trunc 3 .LocalObject.spec.u | sha256sum | trunc 8 }}',
  '{{ .Value.Uint }}',
  '{{ toJson .LocalObject.spec.tags }}',
];
function mStep(): Record<string, unknown> {
  switch (rnd(4)) {
    case 0:
      return { delete: { path: pick(M_PATHS) } };
    case 1:
      return {
        regex: {
          path: pick(M_PATHS),
          pattern: pick(['', '^n', '(\\w+):(\\d)', '.', '[', 'x*']),
          replacement: pick(['', '$1', 'y', '${2}z']),
        },
      };
    case 2:
      return { template: { path: pick(M_PATHS), template: pick(M_TEMPLATES) } };
    default:
      return { cel: { path: pick(M_PATHS), expression: celExpr(1) } };
  }
}

// ---------------------------------------------------------------- run

function runMut(kind: 'cel' | 'mutation', cc: Record<string, unknown>): unknown {
  const steps = kind === 'cel' ? [{ cel: { path: cc.path, expression: cc.expression } }] : cc.steps;
  try {
    return comparable(
      runMutationCase({
        object: cc.object as string,
        ...(cc.other ? { other: cc.other as string } : {}),
        steps: steps as never,
        want: {},
      }),
    );
  } catch (e) {
    return { crash: String(e) };
  }
}

/** The engine's answer for one case of a kind (template inputs carry their directives). */
function evaluate(kind: string, input: Record<string, unknown>): unknown {
  switch (kind) {
    case 'template': {
      const head = input.head as string[];
      const dir = (k: string) => head.find((h) => h.startsWith(`#! ${k} `))!.slice(`#! ${k} `.length);
      return runTemplate({
        template: input.template as string,
        data: dir('data'),
        ctx: dir('ctx'),
        mode: dir('mode'),
        funcs: dir('funcs') as 'agent' | 'sprig',
      });
    }
    case 'gjson':
      return runGjson(input as { json: string; path: string });
    case 'sjson':
      return runSjson(input as { json: string; path: string; op: string; value?: string });
    default:
      return runMut(kind as 'cel' | 'mutation', input);
  }
}

interface Finding {
  kind: string;
  input: Record<string, unknown>;
  go: unknown;
  ts: unknown;
}
const findings: Finding[] = [];
const passing: Finding[] = [];
const counts: Record<string, { cases: number; diffs: number }> = {};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const note = (kind: string, input: Record<string, unknown>, go: unknown, ts: unknown) => {
  counts[kind] ??= { cases: 0, diffs: 0 };
  counts[kind].cases++;
  if (same(go, ts)) passing.push({ kind, input, go, ts });
  else {
    counts[kind].diffs++;
    findings.push({ kind, input, go, ts });
  }
};

const replay = opt('replay', '');
const started = Date.now();
let goMs = 0;
let work: string;

if (replay) {
  // re-evaluate earlier findings against the Go answers recorded with them
  work = dirname(replay);
  for (const f of JSON.parse(readFileSync(replay, 'utf8')) as Finding[])
    note(f.kind, f.input, f.go, evaluate(f.kind, f.input));
} else {
  const nTemplates = Math.round(total * 0.4);
  const nGjson = Math.round(total * 0.2);
  const nSjson = Math.round(total * 0.1);
  const nCel = Math.round(total * 0.15);
  const nMutation = total - nTemplates - nGjson - nSjson - nCel;

  work = join(root, '.artifacts', 'fuzz', `seed-${seedArg}`);
  mkdirSync(work, { recursive: true });

  const tpl = templateCases(nTemplates);
  writeFileSync(join(work, 'templates.txt'), tpl.lines.join('\n') + '\n');
  execFileSync(join(bin, 'oracle-template'), [join(work, 'templates.txt'), join(work, 'templates.go.json')], {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'ignore', 'inherit'],
    maxBuffer: 1 << 30,
  });
  const batchIn = {
    gjson: times(nGjson, () => ({ json: DOC, path: gPath() })),
    sjson: times(nSjson, sCase),
    cel: times(nCel, () => ({ object: OBJ, other: OTHER, path: pick(M_PATHS), expression: celExpr() })),
    mutation: times(nMutation, () => ({
      object: OBJ,
      ...(rnd(2) ? { other: OTHER } : {}),
      steps: times(1 + rnd(3), mStep),
    })),
  };
  writeFileSync(join(work, 'paths.json'), JSON.stringify(batchIn));
  execFileSync(join(bin, 'oracle-paths'), ['batch', join(work, 'paths.json'), join(work, 'paths.go.json')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  goMs = Date.now() - started;

  const templateGolden = JSON.parse(readFileSync(join(work, 'templates.go.json'), 'utf8')) as TemplateCase[];
  templateGolden.forEach((c, i) => {
    const want = c.error !== undefined ? { error: c.error } : { output: c.output };
    note('template', { template: c.template, head: tpl.directives[i] }, want, runTemplate(c));
  });
  const goBatch = JSON.parse(readFileSync(join(work, 'paths.go.json'), 'utf8')) as Record<
    string,
    Record<string, unknown>[]
  >;
  for (const kind of ['gjson', 'sjson', 'cel', 'mutation']) {
    for (const c of goBatch[kind] ?? []) {
      const { want, ...input } = c;
      const go = kind === 'cel' || kind === 'mutation' ? comparable(want as never) : want;
      note(kind, input, go, evaluate(kind, input));
    }
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const all = Object.values(counts).reduce((a, c) => ({ cases: a.cases + c.cases, diffs: a.diffs + c.diffs }), {
  cases: 0,
  diffs: 0,
});
const findingsFile = join(work, replay ? 'findings.replayed.json' : 'findings.json');
writeFileSync(findingsFile, JSON.stringify(findings, null, 1) + '\n');
for (const f of findings.slice(0, show))
  console.log(
    `[${f.kind}] ${JSON.stringify(f.input).slice(0, 400)}\n   go: ${JSON.stringify(f.go).slice(0, 400)}\n   ts: ${JSON.stringify(f.ts).slice(0, 400)}`,
  );
for (const [k, c] of Object.entries(counts))
  console.log(
    `${k.padEnd(9)} ${String(c.cases).padStart(6)} cases ${String(c.diffs).padStart(5)} differences`,
  );
console.log(
  `${replay ? `replay of ${replay}` : `seed ${seedArg}`}: ${all.cases} cases, ${all.diffs} differences, ${seconds}s` +
    (replay ? '' : ` (Go oracles ${(goMs / 1000).toFixed(1)}s)`) +
    `; findings in ${findingsFile}`,
);

/**
 * --record: the differing cases (or, with --replay, the earlier findings that now agree with Go) are
 * appended to the oracle corpora; hack/fuzz.sh then regenerates the goldens from them.
 */
if (record) {
  const rows = replay ? passing : findings;
  const tplRows = rows.filter((f) => f.kind === 'template');
  if (tplRows.length) {
    let text = `# fuzz ${replay ? 'findings fixed since' : 'findings of'} hack/fuzz.sh (${replay ? replay.replace(root + '/', '') : `--seed ${seedArg}`})\n`;
    for (const f of tplRows)
      text +=
        (f.input.head as string[]).join('\n') +
        '\n' +
        (f.input.template as string).replace(/\n/g, '\u23ce') +
        '\n';
    appendFileSync(join(root, 'hack', 'oracle-template', 'cases.txt'), text);
  }
  for (const kind of ['gjson', 'sjson', 'cel', 'mutation']) {
    const add = rows.filter((f) => f.kind === kind).map((f) => f.input);
    if (!add.length) continue;
    const file = join(root, 'hack', 'oracle-paths', 'corpus', `${kind}.json`);
    const existing = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    writeFileSync(file, '[\n' + [...existing, ...add].map((c) => JSON.stringify(c)).join(',\n') + '\n]\n');
  }
  console.log(`recorded ${rows.length} cases in the oracle corpora`);
}
process.exitCode = all.diffs === 0 ? 0 : 1;
