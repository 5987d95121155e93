/**
 * One sjson case as the goldens and the differential fuzzer (hack/fuzz.ts) compare it with sjson:
 * the resulting document as Go JSON, the error text, or, for an edit inside a string's JSON text that
 * no longer decodes, that text.
 */
import { goMarshal } from '../json/marshal.js';
import { goJsonSyntaxError } from '../json/syntax.js';
import { deletePath, isTextEdited, parseJson, rawOf, setPath, setRawPath, toJs } from './index.js';

export interface SjsonCase {
  json: string;
  path: string;
  op: string;
  value?: string;
}

export interface SjsonOutcome {
  json?: string;
  error?: string;
  invalid?: string;
}

export function runSjsonCase(c: SjsonCase): SjsonOutcome {
  try {
    const doc = parseJson(c.json);
    const out =
      c.op === 'set'
        ? setPath(doc, c.path, c.value!)
        : c.op === 'setRaw'
          ? setRawPath(doc, c.path, parseJson(c.value!))
          : deletePath(doc, c.path);
    // An edit inside a string's JSON text is held as text: decoded as the agent decodes it, or
    // reported as text that no longer decodes.
    if (isTextEdited(out)) {
      const text = rawOf(out);
      if (goJsonSyntaxError(text) !== undefined) return { invalid: text };
      return { json: goMarshal(toJs(parseJson(text))) };
    }
    return { json: goMarshal(toJs(out)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
