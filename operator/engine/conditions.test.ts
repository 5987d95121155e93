import { setCondition } from './conditions.js';

describe('setCondition', () => {
  const t0 = '2026-01-01T00:00:00Z';
  const t1 = '2026-01-01T00:01:00Z';

  test('adds a new condition with the transition time', () => {
    const r = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Synced', message: 'ok' }, t0);
    expect(r).toEqual({
      changed: true,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Synced', message: 'ok', lastTransitionTime: t0 },
      ],
    });
  });

  test('keeps the transition time when only the message changes', () => {
    const first = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'A', message: 'x' },
      t0,
    ).conditions;
    const r = setCondition(first, { type: 'Ready', status: 'False', reason: 'A', message: 'y' }, t1);
    expect(r.changed).toBe(true);
    expect(r.conditions[0]!.lastTransitionTime).toBe(t0);
    expect(r.conditions[0]!.message).toBe('y');
  });

  test('moves the transition time when the status flips; unchanged input reports no change', () => {
    const first = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'A', message: 'x' },
      t0,
    ).conditions;
    expect(
      setCondition(first, { type: 'Ready', status: 'True', reason: 'A', message: 'x' }, t1).conditions[0]!
        .lastTransitionTime,
    ).toBe(t1);
    expect(
      setCondition(first, { type: 'Ready', status: 'False', reason: 'A', message: 'x' }, t1).changed,
    ).toBe(false);
    expect(first[0]!.status).toBe('False');
  });
});
