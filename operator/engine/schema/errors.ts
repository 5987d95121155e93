/**
 * A schema-engine error: `message` is the Go agent's text verbatim (it ends up in events and in the
 * toolkit's output); `field` names the PublishedResource field that caused it, when one did.
 */
export class SchemaError extends Error {
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
    this.name = 'SchemaError';
  }
}
