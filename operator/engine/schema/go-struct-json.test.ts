import {
  RawJSON,
  compactGoJSON,
  crdSpecCodec,
  jsonSchemaPropsCodec,
  marshalGoStruct,
} from './go-struct-json.js';
import { formatGoFloatG } from '../../golang/yaml/marshal.js';

describe('Go-JSON of the apiextensions types', () => {
  it('keeps raw JSON values as given, compacted and HTML-escaped', () => {
    const raw = new RawJSON('{ "b": 1.50, "a": "<x> & y" }');
    expect(marshalGoStruct(jsonSchemaPropsCodec, { type: 'object', default: raw })).toBe(
      '{"type":"object","default":{"b":1.50,"a":"\\u003cx\\u003e \\u0026 y"}}',
    );
    expect(compactGoJSON('[ "a\\" <" , 1 ]')).toBe('["a\\" \\u003c",1]');
  });

  it('writes parsed JSON values with sorted keys', () => {
    expect(marshalGoStruct(jsonSchemaPropsCodec, { enum: [{ z: 1, a: [true, null] }, 'x'] })).toBe(
      '{"enum":[{"a":[true,null],"z":1},"x"]}',
    );
  });

  it('applies omitempty like Go: nil pointers dropped, set pointers and empty structs kept', () => {
    expect(
      marshalGoStruct(jsonSchemaPropsCodec, {
        'x-kubernetes-preserve-unknown-fields': false,
        minimum: 0,
        uniqueItems: false,
        required: [],
        properties: {},
      }),
    ).toBe('{"minimum":0,"x-kubernetes-preserve-unknown-fields":false}');
    const spec = {
      group: '',
      names: { plural: 'xs', kind: 'X', shortNames: [] },
      scope: 'Cluster',
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }],
    };
    expect(marshalGoStruct(crdSpecCodec, spec)).toBe(
      '{"group":"","names":{"plural":"xs","kind":"X"},"scope":"Cluster","versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}',
    );
  });

  it('writes additionalProperties and items in their Go forms', () => {
    expect(
      marshalGoStruct(jsonSchemaPropsCodec, { additionalProperties: false, items: [{ type: 'string' }] }),
    ).toBe('{"items":[{"type":"string"}],"additionalProperties":false}');
  });

  it('formats floats like strconv.FormatFloat(f, g, -1, 64)', () => {
    expect([1234567.5, 0.0001, 0.00001, 1e21, 100000.5, 2.5].map(formatGoFloatG)).toEqual([
      '1.2345675e+06',
      '0.0001',
      '1e-05',
      '1e+21',
      '100000.5',
      '2.5',
    ]);
  });
});
