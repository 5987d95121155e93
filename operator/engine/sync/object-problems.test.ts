import { objectsAcceptedCondition } from './object-problems.js';

describe('objectsAcceptedCondition', () => {
  it('is True without problems', () => {
    expect(objectsAcceptedCondition([])).toMatchObject({ status: 'True', reason: 'AllAccepted' });
  });

  it('names the objects sorted, one reason when all share it', () => {
    const c = objectsAcceptedCondition([
      { object: 'b/ns/x', reason: 'NameCollision', message: 'local default/x belongs to a/ns/x' },
      { object: 'a/ns/y', reason: 'NameCollision', message: 'local default/y belongs to c/ns/y' },
    ]);
    expect(c).toMatchObject({ status: 'False', reason: 'NameCollision' });
    expect(c.message).toBe(
      '2 kcp object(s) refused: a/ns/y: local default/y belongs to c/ns/y; b/ns/x: local default/x belongs to a/ns/x',
    );
  });

  it('uses a generic reason for mixed problems and counts what it does not list', () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({
      object: `c/o${i}`,
      reason: i === 0 ? 'ObjectTooDeep' : 'NameCollision',
      message: 'm',
    }));
    const c = objectsAcceptedCondition(problems);
    expect(c.reason).toBe('ObjectsRefused');
    expect(c.message).toMatch(/^7 kcp object\(s\) refused: c\/o0: m; .*; and 2 more$/);
  });
});
