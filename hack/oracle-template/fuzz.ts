/**
 * Differential fuzzing of the TypeScript template engine against the Go oracle.
 * Generates random templates (pipelines over builtins and sprig, control structures, printf formats
 * with random flags/width/precision/verbs, html mode), renders them with real Go (the oracle binary built
 * by regen.sh) and with the engine, and prints the pass rate and the first differences.
 *
 *   hack/oracle-template/regen.sh            # builds .bin/oracle-template
 *   node --import ./hack/lib/ts-hooks.mjs hack/oracle-template/fuzz.ts [seed] [count]
 *
 * Interesting differences belong in cases.txt (then regen.sh) so they stay covered.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GoStruct,
  TemplateError,
  compileTemplate,
  parseJsonToGo,
} from '../../operator/engine/template/index.js';

const here = dirname(fileURLToPath(import.meta.url));
let seed = Number(process.argv[2] ?? 1) >>> 0 || 1;
const count = Number(process.argv[3] ?? 2000);
const rnd = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 12) % n;
};
const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;

const OPERANDS = [
  '.',
  '.a',
  '.b.c',
  '.s',
  '.l',
  '.m',
  '.m.k',
  '.nope',
  '.nope.x',
  '$',
  '$.a',
  '"s"',
  '`r`',
  "'c'",
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
  '"2"',
  '1.0',
  '","',
  '"a(b*)"',
  '"$1x"',
  '">=1.0"',
  '"1.2.3"',
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
  'prepend',
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
  'pluck',
  'dig',
  'merge',
  'sha3short',
  'shortHash',
  'sha1sum',
  'b64enc',
  'trunc',
  'substr',
  'repeat',
  'until',
  'seq',
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
  'toPrettyJson',
  'base',
  'ext',
  'clean',
  'semverCompare',
];
const NUMS = [
  '0',
  '1',
  '-1',
  '42',
  '255',
  '1e6',
  '1e21',
  '123456789.0',
  '0.1',
  '0.5',
  '2.5',
  '-0.5',
  '3.14159',
  '1e-5',
  '0.000123',
  '9007199254740993',
  '0x7f',
  "'a'",
  '.a',
  '.f',
  '.big',
  '.tiny',
  '.neg',
  '.s',
  '.l',
  '.m',
  '.nope',
  'nil',
  'true',
  '"str"',
  '"日本"',
  '(list 1 2)',
  '(dict "a" 1)',
];
const VERBS = 'vdsqxXobeEfFgGtcU%T'.split('');

function term(depth: number): string {
  return depth < 2 && rnd(10) === 0 ? `(${pipeline(depth + 1, 2)})` : pick([...OPERANDS, ...FUNCS]);
}
function command(depth: number): string {
  let s = pick([...OPERANDS, ...FUNCS, ...FUNCS]);
  for (let k = rnd(4); k > 0; k--) s += ' ' + term(depth);
  return s;
}
function pipeline(depth: number, max: number): string {
  let s = command(depth);
  for (let k = rnd(max); k > 0; k--) s += ' | ' + command(depth);
  return s;
}
function action(): string {
  switch (rnd(12)) {
    case 0:
      return `{{ if ${pipeline(0, 2)} }}T{{ else }}F{{ end }}`;
    case 1:
      return `{{ range $i, $v := ${pipeline(0, 1)} }}[{{ $i }}:{{ $v }}]{{ else }}E{{ end }}`;
    case 2:
      return `{{ with ${pipeline(0, 1)} }}<{{ . }}>{{ end }}`;
    case 3:
      return `{{ $x := ${pipeline(0, 1)} }}{{ $x }}`;
    case 4: {
      let f = '';
      for (let k = 1 + rnd(3); k > 0; k--) {
        f += '%';
        for (let j = rnd(4); j > 0; j--) f += pick(['-', '+', '#', ' ', '0']);
        if (rnd(2)) f += String(rnd(12));
        if (rnd(2)) f += '.' + (rnd(3) ? String(rnd(8)) : '');
        f += pick(VERBS) + pick(['', '|', ' ']);
      }
      const args = Array.from({ length: rnd(4) }, () => pick(NUMS));
      return `{{ printf ${JSON.stringify(f)} ${args.join(' ')} }}`;
    }
    default:
      return `{{ ${pipeline(0, 3)} }}`;
  }
}

const DATA =
  '{"a":12,"b":{"c":[1,"x",null,2.5]},"s":"Hello <W>","l":[3,1,2],"m":{"k":"v","n":null},"f":2.675,"big":123456789012,"tiny":0.000001234,"neg":-3.5,"z":0,"e":""}';
const lines = ['#! ctx map', '#! mode text', '#! funcs agent', `#! data ${DATA}`];
const seen = new Set<string>();
for (let i = 0; i < count; i++) {
  let t = action();
  if (rnd(3) === 0) t += ' | ' + action();
  if (!seen.has(t)) lines.push(t);
  seen.add(t);
}
// struct context like naming templates: missing struct fields are errors, map keys are not
lines.push(
  '#! ctx struct',
  `#! data {"Object":${DATA},"ClusterName":"root:org","ClusterPath":"root:org:ws"}`,
);
for (let i = 0; i < count / 5; i++) {
  const t = action()
    .replace(
      /(^|[\s(])\.(?=[a-zA-Z])/g,
      (_m, pre: string) => `${pre}${pick(['.Object.', '.Object.', '.', '.ClusterName.'])}`,
    )
    .replace(/\$\.a/g, '$.ClusterName');
  if (!seen.has('s' + t)) lines.push(t);
  seen.add('s' + t);
}
lines.push('#! ctx map', `#! data ${DATA}`, '#! mode html', '#! funcs sprig');
for (let i = 0; i < count / 5; i++) {
  const t = action().replace(/sha3short|shortHash/g, 'upper');
  lines.push(rnd(2) ? `<p>${t}</p> a<b>` : t);
}

const dir = mkdtempSync(join(tmpdir(), 'tpl-fuzz-'));
writeFileSync(join(dir, 'cases.txt'), lines.join('\n') + '\n');
execFileSync(join(here, '.bin', 'oracle-template'), [join(dir, 'cases.txt'), join(dir, 'golden.json')], {
  env: { ...process.env, TZ: 'UTC' },
  stdio: 'ignore',
});

interface Golden {
  template: string;
  data: string;
  ctx: string;
  mode: string;
  funcs: 'agent' | 'sprig';
  output?: string;
  error?: string;
}
const cases = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as Golden[];
let pass = 0;
const diffs: string[] = [];
for (const c of cases) {
  const data = parseJsonToGo(c.data);
  let got: { output?: string; error?: string };
  try {
    got = {
      output: compileTemplate(c.template, { html: c.mode === 'html', funcs: c.funcs }).execute(
        c.ctx === 'struct' ? new GoStruct(data as Record<string, unknown>, 'main.NameData') : data,
      ),
    };
  } catch (e) {
    got = { error: e instanceof TemplateError ? e.message : `UNTYPED ${String(e)}` };
  }
  const want = c.error !== undefined ? { error: c.error } : { output: c.output };
  if (JSON.stringify(got) === JSON.stringify(want)) pass++;
  else if (diffs.length < 20)
    diffs.push(
      `${c.mode} ${JSON.stringify(c.template)}\n  go: ${JSON.stringify(want)}\n  ts: ${JSON.stringify(got)}`,
    );
}
console.log(diffs.join('\n'));
console.log(`seed ${process.argv[2] ?? 1}: ${pass}/${cases.length} equal to Go`);
