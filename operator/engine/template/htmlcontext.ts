/**
 * The part of html/template's contextual escaping that template mutations can meet (SPEC §7.4):
 *  - in HTML text, a `<` that does not start a tag, an end tag, a comment or `<!DOCTYPE` is rewritten
 *    to `&lt;` (also when it is the last character before an action);
 *  - HTML comments `<!-- ... -->` are removed from the output, including actions inside them;
 *  - a pipeline ending in the predefined escaper `html` is not escaped twice, and `html`/`urlquery`
 *    anywhere else in a pipeline is the error `predefined escaper "x" disallowed in template`.
 * Values printed inside tags, attributes, <script>/<style> are escaped like text (Go would use attribute,
 * JS or CSS escapers there); those contexts are not modelled.
 */
import type { ActionNode, ListNode, Node, PipeNode, Tree } from './parse.js';

type State = 'text' | 'tag' | 'comment' | 'raw';

export interface HtmlPlan {
  /** actions inside HTML comments: not evaluated for output */
  suppressed: Set<ActionNode>;
  /** actions whose pipeline already ends in the `html` escaper */
  preEscaped: Set<ActionNode>;
  /** html/template escaping error, reported when the template is executed */
  error: { action: ActionNode; escaper: string } | null;
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

  rewrite(text: string): string {
    let out = '';
    let i = 0;
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
          i++;
          if (this.quote) {
            if (c === this.quote) this.quote = '';
          } else if (c === '"' || c === "'") this.quote = c;
          else if (c === '>') {
            if (RAW_ELEMENTS.has(this.tagElement)) {
              this.rawElement = this.tagElement;
              this.state = 'raw';
            } else this.state = 'text';
          }
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
            return out;
          }
          out += text.slice(i, e);
          this.state = 'text';
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

function misplacedEscaper(pipe: PipeNode): string | null {
  for (let i = 0; i < pipe.cmds.length - 1; i++) {
    const a = pipe.cmds[i]!.args[0];
    if (a && a.type === 'identifier' && (a.ident === 'html' || a.ident === 'urlquery')) return a.ident;
  }
  return null;
}

/** Rewrites text nodes in place and classifies actions; call once per html-mode compile. */
export function planHtml(trees: Map<string, Tree>, mainName: string): HtmlPlan {
  const plan: HtmlPlan = { suppressed: new Set(), preEscaped: new Set(), error: null, endContext: null };
  const visit = (list: ListNode, rw: TextRewriter): void => {
    for (const n of list.nodes) visitNode(n, rw);
  };
  const visitNode = (n: Node, rw: TextRewriter): void => {
    switch (n.type) {
      case 'text':
        n.text = rw.rewrite(n.text);
        return;
      case 'action': {
        if (rw.state === 'comment') {
          plan.suppressed.add(n);
          return;
        }
        const bad = misplacedEscaper(n.pipe);
        if (bad && !plan.error) plan.error = { action: n, escaper: bad };
        if (n.pipe.decl.length === 0 && lastIdent(n.pipe) === 'html') {
          plan.preEscaped.add(n);
          // html/template merges a trailing `html` into its own escaper: in a multi-command pipeline the
          // command's arguments are dropped (`a | html x y` behaves as `a | html`)
          const last = n.pipe.cmds[n.pipe.cmds.length - 1]!;
          if (n.pipe.cmds.length > 1) last.args = last.args.slice(0, 1);
        }
        return;
      }
      case 'if':
      case 'range':
      case 'with':
        visit(n.list, rw);
        if (n.elseList) visit(n.elseList, rw);
        return;
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
