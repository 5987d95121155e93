/**
 * Go `encoding/json` output for the apiextensions.k8s.io/v1 and apis.kcp.io/v1alpha1 Go structs
 * (docs/compatibility.md#go-json): fields in Go declaration order, `omitempty` as Go applies it (empty
 * strings, false, 0, nil pointers, empty slices and maps are dropped; structs never are), map keys in byte
 * order, Go's string escaping, and JSON-typed values (`default`, `example`, `enum[]`) written as raw JSON.
 *
 * The APIResourceSchema name is a hash over these bytes, so this file is the byte-identity contract.
 * Each Go type is described by a codec table below; fields the Go type does not know are dropped,
 * exactly as a Go client decoding the object would drop them.
 */
import { compareGoStrings, goMarshal, goQuote } from '../../golang/json/marshal.js';

/** A JSON value kept as the text received (Go's `apiextensionsv1.JSON.Raw`). */
export class RawJSON {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

type Codec =
  | { k: 'string' }
  | { k: 'bool' }
  | { k: 'number' }
  | { k: 'float' }
  | { k: 'json' }
  | { k: 'time' }
  | { k: 'ptr'; elem: Codec }
  | { k: 'slice'; elem: Codec }
  | { k: 'map'; elem: Codec }
  | { k: 'struct'; fields: () => Field[] }
  | { k: 'propsOrArray' }
  | { k: 'propsOrBool' }
  | { k: 'propsOrStrings' }
  | { k: 'rawExtension' };

interface Field {
  json: string;
  codec: Codec;
  omitEmpty: boolean;
}

const str: Codec = { k: 'string' };
const bool: Codec = { k: 'bool' };
const num: Codec = { k: 'number' };
/** a float64 field: an integer literal beyond 2^53 is rounded to the nearest double, as Go decodes it */
const float: Codec = { k: 'float' };
const ptr = (elem: Codec): Codec => ({ k: 'ptr', elem });
const slice = (elem: Codec): Codec => ({ k: 'slice', elem });
const map = (elem: Codec): Codec => ({ k: 'map', elem });
const struct = (fields: () => Field[]): Codec => ({ k: 'struct', fields });

/** `f('name')` is a field without omitempty, `o('name')` one with it. */
const f = (json: string, codec: Codec): Field => ({ json, codec, omitEmpty: false });
const o = (json: string, codec: Codec): Field => ({ json, codec, omitEmpty: true });

const validationRule = struct(() => [
  f('rule', str),
  o('message', str),
  o('messageExpression', str),
  o('reason', ptr(str)),
  o('fieldPath', str),
  o('optionalOldSelf', ptr(bool)),
]);

export const jsonSchemaPropsCodec: Codec = struct(() => [
  o('id', str),
  o('$schema', str),
  o('$ref', ptr(str)),
  o('description', str),
  o('type', str),
  o('format', str),
  o('title', str),
  o('default', ptr({ k: 'json' })),
  o('maximum', ptr(float)),
  o('exclusiveMaximum', bool),
  o('minimum', ptr(float)),
  o('exclusiveMinimum', bool),
  o('maxLength', ptr(num)),
  o('minLength', ptr(num)),
  o('pattern', str),
  o('maxItems', ptr(num)),
  o('minItems', ptr(num)),
  o('uniqueItems', bool),
  o('multipleOf', ptr(float)),
  o('enum', slice({ k: 'json' })),
  o('maxProperties', ptr(num)),
  o('minProperties', ptr(num)),
  o('required', slice(str)),
  o('items', ptr({ k: 'propsOrArray' })),
  o('allOf', slice(jsonSchemaPropsCodec)),
  o('oneOf', slice(jsonSchemaPropsCodec)),
  o('anyOf', slice(jsonSchemaPropsCodec)),
  o('not', ptr(jsonSchemaPropsCodec)),
  o('properties', map(jsonSchemaPropsCodec)),
  o('additionalProperties', ptr({ k: 'propsOrBool' })),
  o('patternProperties', map(jsonSchemaPropsCodec)),
  o('dependencies', map({ k: 'propsOrStrings' })),
  o('additionalItems', ptr({ k: 'propsOrBool' })),
  o('definitions', map(jsonSchemaPropsCodec)),
  o('externalDocs', ptr(struct(() => [o('description', str), o('url', str)]))),
  o('example', ptr({ k: 'json' })),
  o('nullable', bool),
  o('x-kubernetes-preserve-unknown-fields', ptr(bool)),
  o('x-kubernetes-embedded-resource', bool),
  o('x-kubernetes-int-or-string', bool),
  o('x-kubernetes-list-map-keys', slice(str)),
  o('x-kubernetes-list-type', ptr(str)),
  o('x-kubernetes-map-type', ptr(str)),
  o('x-kubernetes-validations', slice(validationRule)),
]);

export const crdNamesCodec: Codec = struct(() => [
  f('plural', str),
  o('singular', str),
  o('shortNames', slice(str)),
  f('kind', str),
  o('listKind', str),
  o('categories', slice(str)),
]);

const subresourcesCodec = struct(() => [
  o('status', ptr(struct(() => []))),
  o(
    'scale',
    ptr(
      struct(() => [
        f('specReplicasPath', str),
        f('statusReplicasPath', str),
        o('labelSelectorPath', ptr(str)),
      ]),
    ),
  ),
]);

const columnCodec = struct(() => [
  f('name', str),
  f('type', str),
  o('format', str),
  o('description', str),
  o('priority', num),
  f('jsonPath', str),
]);

const crdVersionCodec = struct(() => [
  f('name', str),
  f('served', bool),
  f('storage', bool),
  o('deprecated', bool),
  o('deprecationWarning', ptr(str)),
  o('schema', ptr(struct(() => [o('openAPIV3Schema', ptr(jsonSchemaPropsCodec))]))),
  o('subresources', ptr(subresourcesCodec)),
  o('additionalPrinterColumns', slice(columnCodec)),
  o('selectableFields', slice(struct(() => [f('jsonPath', str)]))),
]);

const crdConversionCodec = struct(() => [
  f('strategy', str),
  o(
    'webhook',
    ptr(
      struct(() => [
        o(
          'clientConfig',
          ptr(
            struct(() => [
              o('url', ptr(str)),
              o(
                'service',
                ptr(
                  struct(() => [
                    f('namespace', str),
                    f('name', str),
                    o('path', ptr(str)),
                    o('port', ptr(num)),
                  ]),
                ),
              ),
              o('caBundle', str),
            ]),
          ),
        ),
        f('conversionReviewVersions', slice(str)),
      ]),
    ),
  ),
]);

export const crdSpecCodec: Codec = struct(() => [
  f('group', str),
  f('names', crdNamesCodec),
  f('scope', str),
  f('versions', slice(crdVersionCodec)),
  o('conversion', ptr(crdConversionCodec)),
  o('preserveUnknownFields', bool),
]);

const stringMap = map(str);

/** metav1.ObjectMeta (the fields this engine can produce; the rest are dropped like zero values). */
const objectMetaCodec = struct(() => [
  o('name', str),
  o('generateName', str),
  o('namespace', str),
  o('uid', str),
  o('resourceVersion', str),
  o('generation', num),
  // omitzero since apimachinery 0.33: absent when unset, a string otherwise.
  o('creationTimestamp', { k: 'time' }),
  o('labels', stringMap),
  o('annotations', stringMap),
]);

export const crdCodec: Codec = struct(() => [
  o('kind', str),
  o('apiVersion', str),
  o('metadata', objectMetaCodec),
  f('spec', crdSpecCodec),
  o(
    'status',
    struct(() => [
      f(
        'conditions',
        slice(
          struct(() => [
            f('type', str),
            f('status', str),
            o('lastTransitionTime', { k: 'time' }),
            o('reason', str),
            o('message', str),
          ]),
        ),
      ),
      f('acceptedNames', crdNamesCodec),
      f('storedVersions', slice(str)),
    ]),
  ),
]);

/** kcp's CustomResourceConversion (apis.kcp.io/v1alpha1): no service references, URL as a string. */
const arsConversionCodec = struct(() => [
  f('strategy', str),
  o(
    'webhook',
    ptr(
      struct(() => [
        o('clientConfig', ptr(struct(() => [o('url', str), o('caBundle', str)]))),
        f('conversionReviewVersions', slice(str)),
      ]),
    ),
  ),
]);

export const apiResourceSchemaCodec: Codec = struct(() => [
  o('kind', str),
  o('apiVersion', str),
  o('metadata', objectMetaCodec),
  o(
    'spec',
    struct(() => [
      f('group', str),
      f('names', crdNamesCodec),
      f('scope', str),
      f(
        'versions',
        slice(
          struct(() => [
            f('name', str),
            f('served', bool),
            f('storage', bool),
            o('deprecated', bool),
            o('deprecationWarning', ptr(str)),
            f('schema', { k: 'rawExtension' }),
            o('subresources', subresourcesCodec),
            o('additionalPrinterColumns', slice(columnCodec)),
          ]),
        ),
      ),
      o('nameValidation', str),
      o('conversion', ptr(arsConversionCodec)),
    ]),
  ),
]);

function isEmpty(codec: Codec, v: unknown): boolean {
  switch (codec.k) {
    case 'string':
      return v === undefined || v === null || v === '';
    case 'bool':
      return !v;
    case 'number':
    case 'float':
      return v === undefined || v === null || v === 0 || v === 0n;
    case 'slice':
    case 'map':
      return v === undefined || v === null || Object.keys(v as object).length === 0;
    case 'time':
      return v === undefined || v === null || v === '';
    case 'ptr':
    case 'propsOrArray':
    case 'propsOrBool':
    case 'propsOrStrings':
      return v === undefined || v === null;
    default:
      // Structs (RawExtension, nested structs) are never empty for omitempty.
      return false;
  }
}

/** Go's `json.Compact` with HTML escaping, applied to raw JSON values on output. */
export function compactGoJSON(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : c === '&' ? '\\u0026' : c;
      if (c === '\u2028') out = out.slice(0, -1) + '\\u2028';
      if (c === '\u2029') out = out.slice(0, -1) + '\\u2029';
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') inString = true;
    out += c;
  }
  return out;
}

function encodeNumber(v: unknown): string {
  const n = typeof v === 'number' || typeof v === 'bigint' ? v : Number(v ?? 0);
  return goMarshal(n);
}

function write(codec: Codec, v: unknown, out: string[]): void {
  switch (codec.k) {
    case 'string':
      out.push(goQuote(typeof v === 'string' ? v : ''));
      return;
    case 'bool':
      out.push(v === true ? 'true' : 'false');
      return;
    case 'number':
      out.push(encodeNumber(v));
      return;
    case 'float':
      out.push(encodeNumber(typeof v === 'bigint' ? Number(v) : v));
      return;
    case 'json':
      if (v instanceof RawJSON) out.push(v.text.trim() === '' ? 'null' : compactGoJSON(v.text));
      else out.push(goMarshal(v ?? null));
      return;
    case 'time':
      out.push(typeof v === 'string' && v !== '' ? goQuote(v) : 'null');
      return;
    case 'ptr':
      if (v === undefined || v === null) out.push('null');
      else write(codec.elem, v, out);
      return;
    case 'slice': {
      if (!Array.isArray(v)) {
        out.push('null');
        return;
      }
      out.push('[');
      v.forEach((item, i) => {
        if (i > 0) out.push(',');
        write(codec.elem, item, out);
      });
      out.push(']');
      return;
    }
    case 'map': {
      if (v === undefined || v === null || typeof v !== 'object') {
        out.push('null');
        return;
      }
      const obj = v as Record<string, unknown>;
      out.push('{');
      Object.keys(obj)
        .sort(compareGoStrings)
        .forEach((key, i) => {
          if (i > 0) out.push(',');
          out.push(goQuote(key), ':');
          write(codec.elem, obj[key], out);
        });
      out.push('}');
      return;
    }
    case 'struct': {
      const obj = (v ?? {}) as Record<string, unknown>;
      out.push('{');
      let first = true;
      for (const field of codec.fields()) {
        const value = obj[field.json];
        if (field.omitEmpty && isEmpty(field.codec, value)) continue;
        if (!first) out.push(',');
        first = false;
        out.push(goQuote(field.json), ':');
        write(field.codec, value, out);
      }
      out.push('}');
      return;
    }
    case 'propsOrArray':
      if (Array.isArray(v)) {
        if (v.length > 0) write(slice(jsonSchemaPropsCodec), v, out);
        else out.push('null');
      } else write(ptr(jsonSchemaPropsCodec), v, out);
      return;
    case 'propsOrBool':
      if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
      else write(ptr(jsonSchemaPropsCodec), v, out);
      return;
    case 'propsOrStrings':
      if (Array.isArray(v)) {
        if (v.length > 0) write(slice(str), v, out);
        else out.push('null');
      } else write(ptr(jsonSchemaPropsCodec), v, out);
      return;
    case 'rawExtension':
      write(ptr(jsonSchemaPropsCodec), v, out);
      return;
  }
}

/** `json.Marshal` of `v` as the Go type described by `codec` (no trailing newline). */
export function marshalGoStruct(codec: Codec, v: unknown): string {
  const out: string[] = [];
  write(codec, v, out);
  return out.join('');
}

export type { Codec };
