import { CONDITION_SYNC_ACCEPTED, refusedStatusPatch } from './refusal.js';

const now = '2026-01-01T00:00:00Z';

describe('refusedStatusPatch', () => {
  it('adds the condition next to the status the object has', () => {
    const patch = refusedStatusPatch(
      {
        metadata: { name: 'x', generation: 3 },
        status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
      },
      'NameCollision',
      'taken',
      now,
    );
    expect(patch).toEqual({
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          {
            type: CONDITION_SYNC_ACCEPTED,
            status: 'False',
            reason: 'NameCollision',
            message: 'taken',
            observedGeneration: 3,
            lastTransitionTime: now,
          },
        ],
      },
    });
  });

  it('returns nothing when the same condition is there already', () => {
    const first = refusedStatusPatch({ metadata: { name: 'x' } }, 'NameCollision', 'taken', now)!;
    expect(refusedStatusPatch({ metadata: { name: 'x' }, ...first }, 'NameCollision', 'taken', now)).toBe(
      undefined,
    );
  });

  it('ignores a status whose conditions are not a list', () => {
    const patch = refusedStatusPatch(
      { metadata: { name: 'x' }, status: { conditions: 'odd' } },
      'R',
      'm',
      now,
    );
    expect((patch?.status as { conditions: unknown[] }).conditions).toHaveLength(1);
  });
});
