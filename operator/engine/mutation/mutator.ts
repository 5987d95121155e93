/**
 * Compiled mutation lists (docs/compatibility.md#mutations): regexes, templates and CEL programs are compiled
 * once per PublishedResource generation; applying never modifies its inputs.
 *
 * Fidelity notes (verified with the oracle): each step works on the Go-JSON encoding of the object and
 * decodes its result with plain `json.Unmarshal`, so after the first step every number is a float64:
 * `self.spec.replicas + 1` works in a first CEL step and fails with "no such overload" after any
 * earlier step, exactly as in the Go agent. `other` always keeps integers as ints.
 */
import { fromJs, toJs, parseJson, rawOf, isTextEdited, type JNode } from '../../golang/gjson/index.js';
import { goJsonSyntaxError } from '../../golang/json/syntax.js';
import { jsonToGoValue } from '../../golang/template/index.js';
import { compileStep, StepError, type CompiledStep } from './steps.js';
import { MutationError, type ResourceMutation, type ResourceMutationSpec } from './types.js';

type Obj = Record<string, unknown>;

export interface Mutator {
  /** Spec direction: mutates a copy of the source with `other` = destination (or tentative copy). */
  mutateSpec(source: Obj, other: Obj | null): Obj;
  /** Status direction: mutates a copy of the destination with `other` = the mutated source. */
  mutateStatus(dest: Obj, other: Obj | null): Obj;
  readonly empty: boolean;
}

interface Compiled {
  step: CompiledStep;
  fieldPath: string;
}

function compileList(
  list: ResourceMutation[] | null | undefined,
  direction: 'spec' | 'status',
  prefix: string,
): Compiled[] {
  const out: Compiled[] = [];
  (list ?? []).forEach((m, i) => {
    const itemPath = `${prefix}.${direction}[${i}]`;
    try {
      const { step, field } = compileStep(m ?? {});
      out.push({ step, fieldPath: `${itemPath}.${field}` });
    } catch (e) {
      if (e instanceof StepError) {
        const fieldPath = e.field ? `${itemPath}.${e.field}` : itemPath;
        throw new MutationError(
          fieldPath,
          `cannot create transformer for ${direction}: ${e.message}`,
          e.position,
        );
      }
      throw e;
    }
  });
  return out;
}

function apply(steps: Compiled[], obj: Obj, other: Obj | null): Obj {
  if (steps.length === 0) return obj;
  let tree: JNode = fromJs(obj);
  let first = true;
  for (const { step, fieldPath } of steps) {
    const current = tree;
    const isFirst = first;
    let cached: unknown;
    const object = () => (cached ??= isFirst ? jsonToGoValue(obj) : toJs(current));
    try {
      tree = step.apply({ tree: current, object, firstStep: isFirst, other });
    } catch (e) {
      if (e instanceof StepError) {
        const path = e.field ? `${fieldPath}.${e.field}` : fieldPath;
        throw new MutationError(path, e.message, e.position);
      }
      throw e;
    }
    // the Go agent decodes every step's result into a map and encodes it again for the next step;
    // sjson's edit inside a string's text can leave text that no longer decodes
    if (isTextEdited(tree)) {
      const text = rawOf(tree);
      const syntax = goJsonSyntaxError(text);
      if (syntax !== undefined) throw new MutationError(fieldPath, syntax);
      tree = parseJson(text);
    }
    tree = fromJs(toJs(tree));
    first = false;
  }
  return toJs(tree) as Obj;
}

/**
 * Compiles `spec.mutation` (or `spec.related[i].mutation`); `fieldPathPrefix` is that field's path,
 * used in error messages. Throws MutationError (with the Go agent's text in `detail`).
 */
export function compileMutations(
  spec: ResourceMutationSpec | null | undefined,
  fieldPathPrefix = 'spec.mutation',
): Mutator {
  const specSteps = compileList(spec?.spec, 'spec', fieldPathPrefix);
  const statusSteps = compileList(spec?.status, 'status', fieldPathPrefix);
  return {
    empty: specSteps.length === 0 && statusSteps.length === 0,
    mutateSpec: (source, other) => apply(specSteps, source, other),
    mutateStatus: (dest, other) => apply(statusSteps, dest, other),
  };
}
