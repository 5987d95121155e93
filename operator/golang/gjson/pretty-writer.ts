/**
 * The output buffer of tidwall/pretty's layout, shared by the tree printer (pretty.ts) and the text
 * scanner (prettytext.ts): the text so far, where its current line starts (for the width of one-line
 * arrays), indentation, and a mark to undo a one-line attempt that did not fit.
 */
export class PrettyWriter {
  text: string;
  private lineStart = 0;

  private readonly prefix: string;
  private readonly indent: string;

  constructor(prefix: string, indent: string) {
    this.prefix = prefix;
    this.indent = indent;
    this.text = prefix;
  }

  tabs(depth: number): void {
    this.text += this.prefix + this.indent.repeat(depth);
  }

  /** A line break; a trailing space (after `,` in arrays) is replaced, as tidwall/pretty does. */
  newline(): void {
    this.lineStart = this.text.length;
    if (this.text.endsWith(' ')) this.text = this.text.slice(0, -1) + '\n';
    else this.text += '\n';
  }

  /** Columns left on the current line before `width`. */
  room(width: number): number {
    return width - (this.text.length - this.lineStart);
  }

  mark(): { text: string; lineStart: number } {
    return { text: this.text, lineStart: this.lineStart };
  }

  restore(m: { text: string; lineStart: number }): void {
    this.text = m.text;
    this.lineStart = m.lineStart;
  }

  /** The finished text: a final newline after anything written. */
  finish(): string {
    return this.text.length > 0 ? this.text + '\n' : this.text;
  }
}
