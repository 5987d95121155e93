/** Shared runner for the oracle goldens of whole mutation lists (used by the cel and mutation tests). */
import { compileMutations, MutationError, type ResourceMutation } from './index.js';
import { goMarshal } from '../../golang/json/marshal.js';

export interface MutationGoldenCase {
  object: string;
  other?: string;
  steps: ResourceMutation[];
  want: { object?: string; error?: string; buildError?: string };
}

export function runMutationCase(c: MutationGoldenCase): {
  object?: string;
  error?: string;
  buildError?: string;
} {
  let mutator;
  try {
    mutator = compileMutations({ spec: c.steps });
  } catch (e) {
    if (e instanceof MutationError)
      return { buildError: e.detail.replace(/^cannot create transformer for spec: /, '') };
    throw e;
  }
  try {
    const other = c.other ? (JSON.parse(c.other) as Record<string, unknown>) : null;
    return { object: goMarshal(mutator.mutateSpec(JSON.parse(c.object) as Record<string, unknown>, other)) };
  } catch (e) {
    if (e instanceof MutationError) return { error: e.detail };
    throw e;
  }
}

/**
 * CEL errors are compared exactly (cel-go's wording, location and caret), except syntax errors: their
 * text and position come from the parser (ANTLR in cel-go), so only the agent's wrapping is compared.
 */
export function comparable(r: { object?: string; error?: string; buildError?: string }): typeof r {
  const cut = (s: string) =>
    s.replace(
      /^(failed to compile CEL expression: ERROR: <input>:)\d+:\d+: Syntax error:.*$/s,
      '$1 Syntax error …',
    );
  const out: typeof r = {};
  if (r.object !== undefined) out.object = r.object;
  if (r.error !== undefined) out.error = cut(r.error);
  if (r.buildError !== undefined) out.buildError = cut(r.buildError);
  return out;
}
