import { goWellFormed } from './gostrings.js';

/** The one error type the template engine throws. */
export class TemplateError extends Error {
  readonly kind: 'parse' | 'exec';
  readonly template: string;
  readonly line?: number;
  readonly col?: number;
  constructor(kind: 'parse' | 'exec', template: string, message: string, line?: number, col?: number) {
    // a message quoting a Go string shows its invalid bytes as U+FFFD, as Go's JSON encoding of it does
    super(goWellFormed(message));
    this.name = 'TemplateError';
    this.kind = kind;
    this.template = template;
    if (line !== undefined) this.line = line;
    if (col !== undefined) this.col = col;
  }
}
