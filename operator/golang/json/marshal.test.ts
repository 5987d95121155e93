import { compareGoStrings, goEncode, goMarshal, goQuote } from './marshal.js';

describe('goMarshal', () => {
  test('sorts map keys and emits no whitespace', () => {
    expect(goMarshal({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
  });

  test('escapes HTML-sensitive characters and line separators like Go', () => {
    expect(goQuote('<a href="x">&\u2028\u2029</a>')).toBe(
      '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u2028\\u2029\\u003c/a\\u003e"',
    );
  });

  test('uses short escapes for \\b \\f \\n \\r \\t and lowercase \\u00xx for other controls', () => {
    expect(goQuote('\b\f\n\r\t\u0001\u001f')).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f"');
  });

  test('formats floats like Go (exponent below 1e-6 and from 1e21)', () => {
    expect(goMarshal([1, 1.5, 1e20, 1e21, 0.000001, 1e-7, -0.5, 123456789012])).toBe(
      '[1,1.5,100000000000000000000,1e+21,0.000001,1e-7,-0.5,123456789012]',
    );
  });

  test('writes int64 values (bigint) as integers', () => {
    expect(goMarshal({ n: 9007199254740993n })).toBe('{"n":9007199254740993}');
  });

  test('encoder adds exactly one trailing newline', () => {
    expect(goEncode({ a: 'b' })).toBe('{"a":"b"}\n');
  });

  test('rejects values Go cannot encode', () => {
    expect(() => goMarshal({ x: Number.NaN })).toThrow('unsupported value');
  });

  test('sorts keys by UTF-8 byte order, not UTF-16 order', () => {
    // U+FF5E (3 UTF-8 bytes, 0xEF...) sorts before U+1F600 (4 bytes, 0xF0...) in bytes, after it in UTF-16.
    const keys = ['\u{1F600}', '\uFF5E', 'a'].sort(compareGoStrings);
    expect(keys).toEqual(['a', '\uFF5E', '\u{1F600}']);
  });
});
