import { rawOf } from './node.js';
import { scannedTree, locateInText, unterminatedArrays, unescapeLenient } from './rawtext.js';

describe('scannedTree (gjson reading a path on text that is not an object or array)', () => {
  it('starts at the first bracket and lets the first inner quote run to the closing one', () => {
    const t = scannedTree('"[1,\\"x\\",\\"y\\"]"');
    expect(t?.t).toBe('arr');
    const items = t?.t === 'arr' ? t.items : [];
    expect(items.map(rawOf)).toEqual(['1', '"x\\",\\"y\\"]"']);
    expect(items[1]).toMatchObject({ t: 'str', str: 'x","y"]' });
  });

  it('finds no key in an escaped object', () => {
    const t = scannedTree('"{\\"inner\\":[1,2]}"');
    expect(t).toMatchObject({ t: 'obj', keys: [], vals: [] });
  });

  it('is undefined without a bracket, and marks an array whose scan ends in an open string', () => {
    expect(scannedTree('"plain"')).toBeUndefined();
    const t = scannedTree('"a[b"');
    expect(t && unterminatedArrays.has(t)).toBe(true);
  });

  it('locates an element for sjson, the last one for a delete of -1', () => {
    const text = '"[1,2,3]"';
    expect(locateInText(text, '1', false)).toEqual([4, 5]);
    expect(locateInText(text, '-1', true)).toEqual([6, 7]);
    expect(locateInText(text, '-1', false)).toBeUndefined();
    expect(locateInText(text, '7', false)).toBeUndefined();
  });

  it('unescapes like gjson, stopping at an unknown escape', () => {
    expect(unescapeLenient('a\\"b\\u00e9\\q')).toBe('a"bé');
  });
});
