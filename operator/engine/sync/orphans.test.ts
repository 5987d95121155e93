import { LABEL_AGENT_NAME } from './keys.js';
import { planOrphan, type OrphanFacts } from './orphans.js';

const copy = (labels: Record<string, string> = { [LABEL_AGENT_NAME]: 'agent' }, deleting = false) => ({
  metadata: { name: 'c', labels, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
});
const facts = (over: Partial<OrphanFacts>): OrphanFacts => ({
  copy: copy(),
  agentName: 'agent',
  madeForThisType: true,
  engaged: true,
  cacheSynced: true,
  kcp: 'unknown',
  ...over,
});

describe('planOrphan', () => {
  it.each<[string, Partial<OrphanFacts>, string]>([
    ['no copy', { copy: undefined }, 'nothing'],
    ['a copy being deleted', { copy: copy(undefined, true) }, 'nothing'],
    ["another agent's copy", { copy: copy({ [LABEL_AGENT_NAME]: 'other' }) }, 'nothing'],
    ['a copy without the agent label', { copy: copy({}) }, 'nothing'],
    ['a copy made for another kcp type of the same local type', { madeForThisType: false }, 'nothing'],
    ['a workspace not engaged', { engaged: false }, 'waitForEngagement'],
    ['a cache not synced', { cacheSynced: false }, 'retryLater'],
    ['not asked yet', {}, 'askKcp'],
    ['kcp still has it', { kcp: 'exists' }, 'retryLater'],
    ['kcp confirmed it is gone', { kcp: 'gone' }, 'deleteCopy'],
  ])('%s: %s', (_what, over, expected) => {
    expect(planOrphan(facts(over)).type).toBe(expected);
  });
});
