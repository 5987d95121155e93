/**
 * html/template's contextual escaping, for template mutations:
 *  - in HTML text (and <textarea>/<title>), values are HTML-escaped; a `<` in the template text that
 *    does not start a tag, an end tag, a comment or `<!DOCTYPE` is rewritten to `&lt;`;
 *  - in attribute values, values are escaped for the attribute's content type and then for the
 *    attribute (quoted: HTML escaping, unquoted: also white space, `=` and backquote): URL attributes
 *    (href, src, ..., names containing src/uri/url) filter unsafe schemes to `#ZgotmplZ` and
 *    percent-encode (normalised at the start of the URL, fully escaped in query or fragment); event
 *    handlers (on*) are JavaScript; `style` is CSS;
 *  - in <script>, values are JSON (padded with spaces next to identifiers and numbers), or escaped
 *    for a JS string literal inside quotes; in <style>, values pass a CSS value filter (`ZgotmplZ`)
 *    or are CSS-escaped inside quotes;
 *  - HTML comments `<!-- ... -->` are removed from the output, including actions inside them;
 *  - a pipeline ending in the predefined escaper `html` (or `urlquery` in a URL) is not escaped
 *    twice, and `html`/`urlquery` anywhere else in a pipeline is the error `predefined escaper "x"
 *    disallowed in template`.
 * Branches (if/with/range) are joined like html/template for URL parts: an action in a URL whose part
 * depends on the branch taken is the `ambiguous context within a URL` error. Actions in attribute
 * names print only plain lower-case names (htmlNameFilter). Not modelled: actions in tag names, JS
 * regular-expression and template literals, other branch joins.
 */
import type { ActionNode, ListNode, Node, PipeNode, Tree } from './parse.js';

type State = 'text' | 'tag' | 'comment' | 'raw';
type TagPart = 'between' | 'name' | 'afterName' | 'beforeValue' | 'value';

/** Marks a URL attribute value whose part (start, path, query) depends on a branch taken. */
const AMBIGUOUS = '\u0000ambiguous';

const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);

/** html/template's attrType: the content type of an attribute's value. */
function attrType(raw: string): 'plain' | 'url' | 'js' | 'css' {
  let name = raw.toLowerCase();
  if (name.startsWith('data-')) name = name.slice(5);
  else if (name.includes(':')) {
    const [prefix, short] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
    if (prefix === 'xmlns') return 'url';
    name = short;
  }
  if (URL_ATTRS.has(name)) return 'url';
  if (name === 'style') return 'css';
  if (name.startsWith('on')) return 'js';
  if (name.includes('src') || name.includes('uri') || name.includes('url')) return 'url';
  return 'plain';
}

/** How the value of one action is escaped, decided by where it stands. */
export type EscapeContext =
  | { kind: 'text' }
  | { kind: 'attrName' }
  | {
      kind: 'attr';
      type: 'plain' | 'url' | 'js' | 'css';
      quote: string;
      sofar: string;
      /** a trailing `html` of the pipeline takes the place of the attribute escaper */
      finalHtml?: boolean;
      /** a trailing `urlquery` of the pipeline takes the place of the URL escaper */
      urlquery?: boolean;
    }
  | { kind: 'script'; sofar: string }
  | { kind: 'style'; sofar: string };

export interface HtmlPlan {
  /** the escaping context of each printing action (text when absent) */
  contexts: Map<ActionNode, EscapeContext>;
  /** actions inside HTML comments: not evaluated for output */
  suppressed: Set<ActionNode>;
  /** actions whose pipeline already ends in the `html` escaper */
  preEscaped: Set<ActionNode>;
  /** pre-escaped actions whose html output still goes through their context's escapers */
  escapeAfterHtml: Set<ActionNode>;
  /** html/template escaping error, reported when the template is executed */
  error: { action: ActionNode; escaper: string; ambiguousUrl?: boolean } | null;
  /** an error of the template text itself in its context (`"<" in unquoted attr: "<"`) */
  contextError: string | null;
  /** Go's context string when the main template ends outside HTML text (an escaping error) */
  endContext: string | null;
}

const RAW_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);

const ELEMENT_NAMES: Record<string, string> = {
  script: 'elementScript',
  style: 'elementStyle',
  textarea: 'elementTextarea',
  title: 'elementTitle',
};
const RAW_STATES: Record<string, string> = {
  script: 'stateJS',
  style: 'stateCSS',
  textarea: 'stateRCDATA',
  title: 'stateRCDATA',
};

class TextRewriter {
  state: State = 'text';
  rawElement = '';
  tagElement = '';
  private quote = '';
  private part: TagPart = 'between';
  private attrName = '';
  private valueSoFar = '';
  /** text of the current <script>/<style> element so far */
  private rawSoFar = '';

  /** the first error of the text in its context */
  contextError: string | null = null;

  clone(): TextRewriter {
    return Object.assign(new TextRewriter(), this);
  }

  /** The part of a URL attribute value the position is in, or null outside URL attribute values. */
  private urlPart(): string | null {
    if (this.state !== 'tag' || (this.part !== 'value' && this.part !== 'beforeValue')) return null;
    if (attrType(this.attrName) !== 'url') return null;
    if (this.valueSoFar.includes(AMBIGUOUS)) return 'unknown';
    return this.valueSoFar === '' ? 'none' : /[?#]/.test(this.valueSoFar) ? 'query' : 'preQuery';
  }

  /**
   * The context after a branch that may or may not have run (html/template's join): in a URL attribute
   * whose part differs between the two, the part is unknown and an action there is an error.
   */
  joinWith(other: TextRewriter): void {
    const a = this.urlPart();
    const b = other.urlPart();
    if (a !== null && b !== null && a !== b && this.attrName === other.attrName) this.valueSoFar += AMBIGUOUS;
  }

  /** Whether an action here stands in a URL whose part is unknown. */
  ambiguousUrl(): boolean {
    return this.urlPart() === 'unknown';
  }

  /** The escaping context an action at the current position gets. */
  context(): EscapeContext {
    if (
      this.state === 'tag' &&
      (this.part === 'between' || this.part === 'name' || this.part === 'afterName')
    )
      return { kind: 'attrName' };
    if (this.state === 'tag' && (this.part === 'value' || this.part === 'beforeValue'))
      return { kind: 'attr', type: attrType(this.attrName), quote: this.quote, sofar: this.valueSoFar };
    if (this.state === 'raw' && this.rawElement === 'script') return { kind: 'script', sofar: this.rawSoFar };
    if (this.state === 'raw' && this.rawElement === 'style') return { kind: 'style', sofar: this.rawSoFar };
    return { kind: 'text' };
  }

  /** After an action printed something: the value is no longer empty. */
  afterAction(): void {
    if (this.state === 'tag' && (this.part === 'between' || this.part === 'afterName')) {
      this.part = 'name';
      this.attrName = 'x';
      return;
    }
    if (this.state === 'tag' && this.part === 'name') {
      this.attrName += 'x';
      return;
    }
    if (this.state === 'tag' && this.part === 'beforeValue') {
      this.part = 'value';
      this.quote = '';
    }
    if (this.state === 'tag' && this.part === 'value') this.valueSoFar += 'x';
    if (this.state === 'raw') this.rawSoFar += 'x';
  }

  private tagChar(c: string, text: string, i: number): void {
    const space = c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
    switch (this.part) {
      case 'value':
        if (!this.quote && !this.contextError && '"\'<=`'.includes(c))
          this.contextError = `${JSON.stringify(c)} in unquoted attr: ${JSON.stringify(text.slice(this.segmentStart, i + 1))}`;
        if (this.quote ? c === this.quote : space || c === '>') {
          this.part = 'between';
          this.quote = '';
          if (c === '>') this.endTag();
        } else this.valueSoFar += c;
        return;
      case 'beforeValue':
        if (space) return;
        if (!this.contextError && '<=`'.includes(c))
          this.contextError = `${JSON.stringify(c)} in unquoted attr: ${JSON.stringify(text.slice(this.segmentStart, i + 1))}`;
        this.part = 'value';
        this.valueSoFar = '';
        if (c === '"' || c === "'") this.quote = c;
        else if (c === '>') this.endTag();
        else {
          this.quote = '';
          this.valueSoFar = c;
        }
        return;
      case 'name':
        if (!this.contextError && '"\'<'.includes(c))
          this.contextError = `${JSON.stringify(c)} in attribute name: ${JSON.stringify(text.slice(this.segmentStart, i + 1))}`;
        if (c === '=') {
          this.part = 'beforeValue';
          this.valueSoFar = '';
        } else if (space) this.part = 'afterName';
        else if (c === '>') this.endTag();
        else this.attrName += c;
        return;
      case 'afterName':
        if (!this.contextError && '"\'<'.includes(c))
          this.contextError = `${JSON.stringify(c)} in attribute name: ${JSON.stringify(text.slice(this.segmentStart, i + 1))}`;
        if (c === '=') {
          this.part = 'beforeValue';
          this.valueSoFar = '';
        } else if (c === '>') this.endTag();
        else if (!space) {
          this.part = 'name';
          this.attrName = c;
        }
        return;
      default:
        if (!this.contextError && '"\'<'.includes(c))
          this.contextError = `${JSON.stringify(c)} in attribute name: ${JSON.stringify(text.slice(this.segmentStart, i + 1))}`;
        if (c === '>') this.endTag();
        else if (!space && c !== '/') {
          this.part = 'name';
          this.attrName = c;
        }
    }
  }

  private endTag(): void {
    this.part = 'between';
    this.quote = '';
    if (RAW_ELEMENTS.has(this.tagElement)) {
      this.rawElement = this.tagElement;
      this.rawSoFar = '';
      this.state = 'raw';
    } else this.state = 'text';
  }

  /** where the current text node began (Go quotes the text of the node in context errors) */
  private segmentStart = 0;

  rewrite(text: string): string {
    let out = '';
    let i = 0;
    this.segmentStart = 0;
    while (i < text.length) {
      switch (this.state) {
        case 'text': {
          const k = text.indexOf('<', i);
          if (k < 0) {
            out += text.slice(i);
            return out;
          }
          out += text.slice(i, k);
          if (text.startsWith('<!--', k)) {
            this.state = 'comment';
            i = k + 4;
            break;
          }
          let j = k + 1;
          if (text[j] === '/') {
            if (j + 1 === text.length) {
              out += '&lt;/';
              return out;
            }
            j++;
          }
          const m = /^[A-Za-z][A-Za-z0-9:-]*/.exec(text.slice(j));
          if (m) {
            out += text.slice(k, j + m[0].length);
            this.tagElement = text[k + 1] === '/' ? '' : m[0].toLowerCase();
            this.state = 'tag';
            this.quote = '';
            this.part = 'between';
            i = j + m[0].length;
            break;
          }
          out += text.slice(k, k + 9).toUpperCase() === '<!DOCTYPE' ? '<' : '&lt;';
          i = k + 1;
          break;
        }
        case 'tag': {
          const c = text[i]!;
          out += c;
          this.tagChar(c, text, i);
          i++;
          break;
        }
        case 'comment': {
          const e = text.indexOf('-->', i);
          if (e < 0) return out;
          this.state = 'text';
          i = e + 3;
          break;
        }
        case 'raw': {
          const lower = text.toLowerCase();
          const e = lower.indexOf('</' + this.rawElement, i);
          if (e < 0) {
            out += text.slice(i);
            this.rawSoFar += text.slice(i);
            return out;
          }
          out += text.slice(i, e);
          this.state = 'text';
          this.rawSoFar = '';
          i = e;
          break;
        }
      }
    }
    return out;
  }
}

function lastIdent(pipe: PipeNode): string | null {
  const last = pipe.cmds[pipe.cmds.length - 1];
  const first = last?.args[0];
  return first && first.type === 'identifier' ? first.ident : null;
}

/**
 * `a | html` -> `a`; `html x y` -> `print x y` (html/template evaluates the arguments the same way);
 * the same for `urlquery`.
 */
function dropTrailingEscaper(pipe: PipeNode): void {
  if (pipe.cmds.length > 1) {
    pipe.cmds.pop();
    return;
  }
  const first = pipe.cmds[0]!.args[0];
  if (first && first.type === 'identifier') first.ident = 'print';
}

/**
 * `{{ urlquery a b }}` -> `{{ print a b | urlquery }}` (and the same for `html`): html/template
 * formats the arguments of a lone predefined escaper with fmt.Sprint (a nil is `<nil>`, not
 * text/template's `<no value>`) and then escapes the result like a trailing escaper.
 */
function splitEscaperCall(pipe: PipeNode): void {
  if (pipe.cmds.length !== 1) return;
  const cmd = pipe.cmds[0]!;
  const head = cmd.args[0];
  if (cmd.args.length < 2 || head?.type !== 'identifier') return;
  if (head.ident !== 'html' && head.ident !== 'urlquery') return;
  pipe.cmds.push({
    type: 'command',
    pos: cmd.pos,
    args: [{ type: 'identifier', pos: head.pos, ident: head.ident }],
  });
  head.ident = 'print';
}

/**
 * Whether the context's escapers include one equivalent to the predefined escaper: HTML escaping in
 * text and quoted attribute values for `html`, URL escaping in URL attribute values for `urlquery`.
 */
function mergesTrailingEscaper(escaper: string | null, ctx: EscapeContext): boolean {
  if (escaper === 'html') return ctx.kind === 'text' || (ctx.kind === 'attr' && ctx.quote !== '');
  if (escaper === 'urlquery') return ctx.kind === 'attr' && ctx.type === 'url';
  return false;
}

function misplacedEscaper(pipe: PipeNode): string | null {
  for (let i = 0; i < pipe.cmds.length - 1; i++) {
    const a = pipe.cmds[i]!.args[0];
    if (a && a.type === 'identifier' && (a.ident === 'html' || a.ident === 'urlquery')) return a.ident;
  }
  return null;
}

/** Rewrites text nodes in place and classifies actions; call once per html-mode compile. */
export function planHtml(trees: Map<string, Tree>, mainName: string): HtmlPlan {
  const plan: HtmlPlan = {
    contexts: new Map(),
    suppressed: new Set(),
    preEscaped: new Set(),
    escapeAfterHtml: new Set(),
    error: null,
    contextError: null,
    endContext: null,
  };
  const visit = (list: ListNode, rw: TextRewriter): void => {
    for (const n of list.nodes) visitNode(n, rw);
  };
  const visitNode = (n: Node, rw: TextRewriter): void => {
    switch (n.type) {
      case 'text':
        n.text = rw.rewrite(n.text);
        return;
      case 'action': {
        // html/template checks every interpolating action for misplaced predefined escapers first,
        // whatever its context (comments included)
        if (n.pipe.decl.length === 0) {
          const bad = misplacedEscaper(n.pipe);
          if (bad && !plan.error) plan.error = { action: n, escaper: bad };
        }
        if (rw.state === 'comment') {
          plan.suppressed.add(n);
          return;
        }
        if (n.pipe.decl.length === 0) splitEscaperCall(n.pipe);
        if (n.pipe.decl.length === 0 && rw.ambiguousUrl() && !plan.error)
          plan.error = { action: n, escaper: '', ambiguousUrl: true };
        if (n.pipe.decl.length === 0) {
          const ctx = rw.context();
          if (ctx.kind !== 'text') plan.contexts.set(n, ctx);
          // html/template merges a trailing predefined escaper into the context's equivalent escaper
          // and drops the command's own arguments then (`a | html x y` behaves as `a | html`); where
          // the context has no equivalent it stays a command whose arguments are evaluated
          const last = n.pipe.cmds[n.pipe.cmds.length - 1]!;
          if (n.pipe.cmds.length > 1 && mergesTrailingEscaper(lastIdent(n.pipe), ctx))
            last.args = last.args.slice(0, 1);
          if (
            ctx.kind === 'attr' &&
            ctx.type === 'url' &&
            lastIdent(n.pipe) === 'urlquery' &&
            !rw.ambiguousUrl()
          ) {
            // a trailing `urlquery` takes the place of the URL escaper (after the scheme filter); an
            // ambiguous URL is an error that names the action as written
            dropTrailingEscaper(n.pipe);
            plan.contexts.set(n, { ...ctx, urlquery: true });
            rw.afterAction();
            return;
          }
          if (lastIdent(n.pipe) === 'html') {
            // a trailing `html` is disallowed only in an unquoted plain attribute value; elsewhere it
            // stays in the pipeline and the context's escapers follow it, except that it takes the
            // place of an equivalent HTML escaper (text, quoted attribute values)
            if (ctx.kind === 'attr' && ctx.type === 'plain' && ctx.quote === '') {
              if (!plan.error) plan.error = { action: n, escaper: 'html' };
            } else if (ctx.kind === 'attr' && ctx.quote !== '' && ctx.type !== 'plain') {
              dropTrailingEscaper(n.pipe);
              plan.contexts.set(n, { ...ctx, finalHtml: true });
              rw.afterAction();
              return;
            } else if (ctx.kind !== 'text' && !(ctx.kind === 'attr' && ctx.type === 'plain'))
              plan.escapeAfterHtml.add(n);
          }
          rw.afterAction();
        }
        if (n.pipe.decl.length === 0 && lastIdent(n.pipe) === 'html') {
          plan.preEscaped.add(n);
        }
        return;
      }
      case 'if':
      case 'range':
      case 'with': {
        // both branches start where the action stands; a missing else (or a range that runs no
        // iteration) leaves the context as it was
        const start = rw.clone();
        visit(n.list, rw);
        const other = start.clone();
        if (n.elseList) visit(n.elseList, other);
        rw.joinWith(other);
        return;
      }
      case 'list':
        visit(n, rw);
        return;
      default:
        return;
    }
  };
  for (const [name, tree] of trees) {
    const rw = new TextRewriter();
    visit(tree.root, rw);
    if (rw.contextError && !plan.contextError) plan.contextError = rw.contextError;
    if (name === mainName && rw.state !== 'text') plan.endContext = contextString(rw);
  }
  return plan;
}

/** html/template's context.String() for the end states we track (attribute sub-states are not modelled). */
function contextString(rw: TextRewriter): string {
  let state: string;
  let element = 'elementNone';
  switch (rw.state) {
    case 'tag':
      state = 'stateTag';
      element = ELEMENT_NAMES[rw.tagElement] ?? 'elementNone';
      break;
    case 'comment':
      state = 'stateHTMLCmt';
      break;
    case 'raw':
      state = RAW_STATES[rw.rawElement] ?? 'stateRCDATA';
      element = ELEMENT_NAMES[rw.rawElement] ?? 'elementNone';
      break;
    default:
      state = 'stateText';
  }
  return `{${state} delimNone urlPartNone jsCtxRegexp [] attrNone ${element} <nil>}`;
}
