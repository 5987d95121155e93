/**
 * Checks of a PublishedResource that its CRD schema cannot express (SPEC §1.4 notes, decisions #16).
 * The Go agent accepts these objects and misbehaves later (silently shared mutators, ambiguous
 * mutation steps, a runtime error for `version` + `versions`); we report them up front, each naming
 * the field path. The CRD's own CEL rules are not repeated here: the API server enforces them.
 */
import { selectorFromSpec } from '../../engine/labels/selector.js';
import type {
  AllowedNamespaces,
  PublishedResource,
  RelatedResourceObjectSpec,
  ResourceMutation,
} from './types.js';

export interface FieldError {
  /** Field path in kubectl style, e.g. `spec.related[2].identifier`. */
  field: string;
  message: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const MUTATION_KINDS = ['delete', 'regex', 'template', 'cel'] as const;
const OBJECT_MECHANISMS = ['reference', 'selector', 'template'] as const;

function checkMutations(path: string, steps: ResourceMutation[] | undefined, errs: FieldError[]): void {
  (steps ?? []).forEach((step, i) => {
    const set = MUTATION_KINDS.filter((k) => step?.[k] !== undefined && step?.[k] !== null);
    if (set.length !== 1) {
      errs.push({
        field: `${path}[${i}]`,
        message:
          set.length === 0
            ? 'exactly one of delete, regex, template or cel must be set, found none'
            : `exactly one of delete, regex, template or cel must be set, found ${set.join(', ')}`,
      });
    }
  });
}

function checkObjectSpec(
  path: string,
  spec: RelatedResourceObjectSpec | undefined,
  errs: FieldError[],
): void {
  const set = OBJECT_MECHANISMS.filter((k) => spec?.[k] !== undefined && spec?.[k] !== null);
  if (set.length !== 1) {
    errs.push({
      field: path,
      message:
        set.length === 0
          ? 'exactly one of reference, selector or template must be set, found none'
          : `exactly one of reference, selector or template must be set, found ${set.join(', ')}`,
    });
  }
}

/** `spec.related[].allowedNamespaces`: namespace names and a parsable label selector. */
function checkAllowedNamespaces(
  path: string,
  allowed: AllowedNamespaces | undefined,
  errs: FieldError[],
): void {
  (allowed?.names ?? []).forEach((n, i) => {
    if (!DNS1123_LABEL.test(n) || n.length > 63)
      errs.push({ field: `${path}.names[${i}]`, message: `${JSON.stringify(n)} is not a namespace name` });
  });
  if (allowed?.selector) {
    try {
      selectorFromSpec(allowed.selector);
    } catch (e) {
      errs.push({ field: `${path}.selector`, message: (e as Error).message });
    }
  }
}

/** Every problem found, in field order; empty when the object is usable. */
export function validatePublishedResource(pr: PublishedResource): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pr.spec;
  if (!spec?.resource) return [{ field: 'spec.resource', message: 'must be set' }];

  if (spec.resource.version && (spec.resource.versions ?? []).length > 0) {
    errs.push({
      field: 'spec.resource.versions',
      message: 'cannot be used together with spec.resource.version',
    });
  }
  const projection = spec.projection;
  if (projection?.version && Object.keys(projection.versions ?? {}).length > 0) {
    errs.push({
      field: 'spec.projection.versions',
      message: 'cannot be used together with spec.projection.version',
    });
  }
  // The Go agent only fails later, when kcp's conversion rejects `irrelevant.<plural>.<group>`.
  if (projection?.group && (!DNS1123_SUBDOMAIN.test(projection.group) || projection.group.length > 253)) {
    errs.push({
      field: 'spec.projection.group',
      message: 'must be a lowercase RFC 1123 subdomain (e.g. example.com)',
    });
  }
  const plural = projection?.plural || (projection?.kind ? `${projection.kind.toLowerCase()}s` : undefined);
  if (plural && (!DNS1123_LABEL.test(plural) || plural.length > 63)) {
    errs.push({
      field: projection?.plural ? 'spec.projection.plural' : 'spec.projection.kind',
      message: `the plural name ${JSON.stringify(plural)} must be a lowercase RFC 1123 label`,
    });
  }
  if (projection?.versions) {
    const seen = new Map<string, string>();
    for (const [from, to] of Object.entries(projection.versions)) {
      if (!to) continue;
      const other = seen.get(to);
      if (other !== undefined) {
        errs.push({
          field: `spec.projection.versions[${from}]`,
          message: `maps to ${JSON.stringify(to)} like spec.projection.versions[${other}]`,
        });
      }
      seen.set(to, from);
    }
  }

  checkMutations('spec.mutation.spec', spec.mutation?.spec, errs);
  checkMutations('spec.mutation.status', spec.mutation?.status, errs);

  const identifiers = new Map<string, number>();
  (spec.related ?? []).forEach((rel, i) => {
    const path = `spec.related[${i}]`;
    const first = identifiers.get(rel.identifier);
    if (first !== undefined) {
      errs.push({
        field: `${path}.identifier`,
        message: `duplicate identifier ${JSON.stringify(rel.identifier)}, already used by spec.related[${first}]`,
      });
    } else identifiers.set(rel.identifier, i);
    checkObjectSpec(`${path}.object`, rel.object, errs);
    if (rel.object?.namespace) checkObjectSpec(`${path}.object.namespace`, rel.object.namespace, errs);
    checkAllowedNamespaces(`${path}.allowedNamespaces`, rel.allowedNamespaces, errs);
    checkMutations(`${path}.mutation.spec`, rel.mutation?.spec, errs);
    checkMutations(`${path}.mutation.status`, rel.mutation?.status, errs);
  });
  return errs;
}

/** One line per problem, `PublishedResource "<name>": <field>: <message>`. */
export function formatValidationErrors(pr: PublishedResource, errs: FieldError[]): string {
  return errs
    .map((e) => `PublishedResource "${pr.metadata?.name ?? ''}": ${e.field}: ${e.message}`)
    .join('\n');
}
