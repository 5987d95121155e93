/**
 * Sprig v3.3.0 regex functions on the agent's Go regexp (operator/golang/regexp): re2js matches in
 * linear time like Go's RE2, so a template's pattern cannot stall the event loop by backtracking.
 *
 * Error behaviour follows sprig: `regexMatch` answers false for an invalid pattern; the other plain
 * functions use regexp.MustCompile, whose panic text is `regexp: Compile(<quoted>): <error>`; the
 * `must...` variants return regexp.Compile's error (`error parsing regexp: ...`).
 */
import { FuncError, type FuncMap, fn } from '../template/funcs.js';
import { canBackquote, quote } from '../template/strconv.js';
import { GoInt, stringSlice } from '../template/value.js';
import { GoRegexp, GoRegexpSyntaxError, quoteMeta } from '../regexp/index.js';

/**
 * Compiled patterns by source. A template compiles its pattern on every call (as sprig does); the
 * cache keeps a pattern used in a loop from being parsed again. GoRegexp is immutable for callers.
 */
const cache = new Map<string, GoRegexp>();
const CACHE_SIZE = 128;

/** regexp.Compile: throws GoRegexpSyntaxError with Go's message. */
function compile(expr: string): GoRegexp {
  let re = cache.get(expr);
  if (re) return re;
  re = GoRegexp.compile(expr);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(expr, re);
  return re;
}

/** regexp.MustCompile as sprig's plain functions use it: the panic becomes the call's error. */
function mustCompile(expr: string): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError)
      throw new FuncError(`regexp: Compile(${goQuote(expr)}): ${e.message}`);
    throw e;
  }
}

/** regexp.Compile as the must... variants use it: its error is the call's error. */
function tryCompile(expr: string): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError) throw new FuncError(e.message);
    throw e;
  }
}

/** The regexp package's quote: backquoted when strconv.CanBackquote allows it, else strconv.Quote. */
function goQuote(s: string): string {
  return canBackquote(s) ? '`' + s + '`' : quote(s);
}

const count = (n: GoInt): number => Number(n.v);

export const regexFuncs: FuncMap = {
  regexMatch: fn(['string', 'string'], (re: string, s: string) => {
    let r: GoRegexp;
    try {
      r = compile(re);
    } catch (e) {
      if (e instanceof GoRegexpSyntaxError) return false;
      throw e;
    }
    return r.matchString(s);
  }),
  mustRegexMatch: fn(['string', 'string'], (re: string, s: string) => tryCompile(re).matchString(s)),
  regexFindAll: fn(['string', 'string', 'int'], (re: string, s: string, n: GoInt) =>
    stringSlice(mustCompile(re).findAllString(s, count(n))),
  ),
  mustRegexFindAll: fn(['string', 'string', 'int'], (re: string, s: string, n: GoInt) =>
    stringSlice(tryCompile(re).findAllString(s, count(n))),
  ),
  regexFind: fn(['string', 'string'], (re: string, s: string) => mustCompile(re).findString(s)),
  mustRegexFind: fn(['string', 'string'], (re: string, s: string) => tryCompile(re).findString(s)),
  regexReplaceAll: fn(['string', 'string', 'string'], (re: string, s: string, repl: string) =>
    mustCompile(re).replaceAllString(s, repl),
  ),
  mustRegexReplaceAll: fn(['string', 'string', 'string'], (re: string, s: string, repl: string) =>
    tryCompile(re).replaceAllString(s, repl),
  ),
  regexReplaceAllLiteral: fn(['string', 'string', 'string'], (re: string, s: string, repl: string) =>
    mustCompile(re).replaceAllLiteralString(s, repl),
  ),
  mustRegexReplaceAllLiteral: fn(['string', 'string', 'string'], (re: string, s: string, repl: string) =>
    tryCompile(re).replaceAllLiteralString(s, repl),
  ),
  regexSplit: fn(['string', 'string', 'int'], (re: string, s: string, n: GoInt) =>
    stringSlice(mustCompile(re).split(s, count(n))),
  ),
  mustRegexSplit: fn(['string', 'string', 'int'], (re: string, s: string, n: GoInt) =>
    stringSlice(tryCompile(re).split(s, count(n))),
  ),
  regexQuoteMeta: fn(['string'], quoteMeta),
};
