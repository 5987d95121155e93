import { goJsonSyntaxError } from './syntax.js';

// each text with the error Go's json.Unmarshal reports for it (go1.26, encoding/json)
const CASES: [string, string][] = [
  ['{"a":"[\\,"b":1}', "invalid character ',' in string escape code"],
  ['{"a":"\\u12"}', "invalid character '\"' in \\u hexadecimal character escape"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
  ['[1 2]', "invalid character '2' after array element"],
  ['{"a":-x}', "invalid character 'x' in numeric literal"],
  ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
  ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
  ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
  ['{"a":1}x', "invalid character 'x' after top-level value"],
  ['{"a":"x', 'unexpected end of JSON input'],
  ['{1:2}', "invalid character '1' looking for beginning of object key string"],
  ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
  ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')"],
  ['{"a":\'x\'}', "invalid character '\\'' looking for beginning of value"],
  ['{"a":01}', "invalid character '1' after object key:value pair"],
];

describe('goJsonSyntaxError', () => {
  it.each(CASES)('%j', (text, want) => {
    expect(goJsonSyntaxError(text)).toBe(want);
  });

  it('accepts valid JSON', () => {
    expect(goJsonSyntaxError('{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"],"b":{}}')).toBeUndefined();
  });
});
