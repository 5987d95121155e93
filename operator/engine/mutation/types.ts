/** PublishedResource mutation types (docs/compatibility.md#mutations). */
export interface ResourceDeleteMutation {
  path: string;
}
export interface ResourceRegexMutation {
  path: string;
  pattern?: string;
  replacement?: string;
}
export interface ResourceTemplateMutation {
  path: string;
  template: string;
}
export interface ResourceCELMutation {
  path: string;
  expression: string;
}
export interface ResourceMutation {
  delete?: ResourceDeleteMutation | null;
  regex?: ResourceRegexMutation | null;
  template?: ResourceTemplateMutation | null;
  cel?: ResourceCELMutation | null;
}
export interface ResourceMutationSpec {
  spec?: ResourceMutation[] | null;
  status?: ResourceMutation[] | null;
}

/**
 * A mutation failed to compile or to apply. `fieldPath` names the PublishedResource field
 * (`spec.mutation.spec[1].cel.expression`); `detail` is the Go agent's error text for the same
 * failure (compared with the oracle); `message` is both.
 */
export class MutationError extends Error {
  override name = 'MutationError';
  readonly fieldPath: string;
  readonly detail: string;
  readonly position: { line?: number; col?: number } | undefined;
  constructor(fieldPath: string, detail: string, position?: { line?: number; col?: number }) {
    super(`${fieldPath}: ${detail}`);
    this.fieldPath = fieldPath;
    this.detail = detail;
    this.position = position;
  }
}
