import { relatedAnnotationPatch, relatedAnnotationValue } from './annotation.js';

const K = 'related-resources.syncagent.kcp.io/';

describe('related annotation', () => {
  it('encodes the entry with the exact field order, namespace omitted when empty', () => {
    expect(
      relatedAnnotationValue({ namespace: 'default', name: 'creds', apiVersion: 'v1', kind: 'Secret' }),
    ).toBe('{"namespace":"default","name":"creds","apiVersion":"v1","kind":"Secret"}');
    expect(relatedAnnotationValue({ namespace: '', name: 'a<b', apiVersion: 'x.io/v1', kind: 'K' })).toBe(
      '{"name":"a\\u003cb","apiVersion":"x.io/v1","kind":"K"}',
    );
  });

  it('patches only changed entries and removes stale indexes of the same identifier', () => {
    const e = (name: string) => ({ namespace: 'ns', name, apiVersion: 'v1', kind: 'Secret' });
    const current = {
      [`${K}creds.0`]: relatedAnnotationValue(e('a')),
      [`${K}creds.1`]: relatedAnnotationValue(e('old')),
      [`${K}creds.2`]: relatedAnnotationValue(e('gone')),
      [`${K}creds.x`]: 'unrelated',
      [`${K}other.0`]: 'other identifier',
      [`${K}creds.extra.0`]: 'identifier creds.extra',
    };
    expect(relatedAnnotationPatch(current, 'creds', [e('a'), e('b')])).toEqual({
      [`${K}creds.1`]: relatedAnnotationValue(e('b')),
      [`${K}creds.2`]: null,
    });
    expect(relatedAnnotationPatch(current, 'creds', [])).toEqual({
      [`${K}creds.0`]: null,
      [`${K}creds.1`]: null,
      [`${K}creds.2`]: null,
    });
    expect(
      relatedAnnotationPatch({ [`${K}creds.0`]: relatedAnnotationValue(e('a')) }, 'creds', [e('a')]),
    ).toBeUndefined();
  });

  it('keeps the index of a skipped entry untouched', () => {
    const e = { namespace: '', name: 'b', apiVersion: 'v1', kind: 'Secret' };
    expect(relatedAnnotationPatch({ [`${K}c.0`]: 'kept' }, 'c', [undefined, e])).toEqual({
      [`${K}c.1`]: relatedAnnotationValue(e),
    });
  });
});
