import { describe, expect, it } from 'vitest';
import { adviseArms, correlation } from '../../src/compare/arm-advice.js';

const base = { rounds: 20, plan: { min: 7, max: 20, secondsPerRound: 2.5 }, pinned: true, duration: 1 };
// arms that move together round by round (a machine slowing both): most of the spread is shared
const together = { against: [100, 120, 90, 110, 95, 105], current: [101, 118, 92, 109, 96, 104] };
// arms whose runs of a round are unrelated
const apart = { against: [100, 120, 90, 110, 95, 105], current: [110, 95, 104, 92, 118, 100] };

describe('what would decide an inconclusive same-run comparison', () => {
  it('names the rounds the spread suggests, with their time at this pace, and the budget to give them', () => {
    expect(adviseArms({ ...base, ...together, roundsNeeded: 36 })).toBe(
      '; what would decide it: about 36 rounds (repeat: { min: 7, max: 36 }, about 1m 30s at 2.5s a round)',
    );
    const budgeted = adviseArms({ ...base, ...together, roundsNeeded: 36, plan: { ...base.plan, budget: 50, stoppedBy: 'budget' } });
    expect(budgeted).toBe(
      ' (the 50s budget ran out after 20 rounds); what would decide it: about 36 rounds (repeat: { min: 7, max: 36, budget: 2m }, about 1m 30s at 2.5s a round)',
    );
    expect(adviseArms({ ...base, ...together, roundsNeeded: 400, resolvablePercent: 11.2 })).toBe(
      '; what would decide it: a tolerance of about 12% (what 20 rounds resolve here), since more rounds would take about 400',
    );
    // the estimate's cap reads as what it is
    expect(adviseArms({ ...base, ...together, roundsNeeded: 1000 })).toBe(
      '; what would decide it: a wider tolerance, since more rounds would take more than 1000',
    );
  });

  it('never suggests a max below the one the group already has', () => {
    expect(adviseArms({ ...base, ...together, roundsNeeded: 30, plan: { ...base.plan, max: 40 } })).toMatch(/\(repeat: \{ min: 7, max: 40 \}/);
  });

  it('suggests pinning only to arms that are not pinned, and longer runs only where the arms do not move together', () => {
    expect(adviseArms({ ...base, ...together, pinned: false })).toBe(
      '; what would decide it: pinning both arms to CPUs (cpu_affinity: { local: 0, remote: 1 })',
    );
    expect(adviseArms({ ...base, ...apart })).toMatch(
      /^; what would decide it: longer runs \(duration: 3s\): the arms' runs of one round hardly move together \(correlation -0\.\d\d\)/,
    );
    // runs already long: not suggested
    expect(adviseArms({ ...base, ...apart, duration: 10 })).toBe('');
  });

  it('measures the correlation of the logs, and none without three pairs or any spread', () => {
    expect(correlation(together.against, together.current)).toBeGreaterThan(0.9);
    expect(correlation([1, 2], [1, 2])).toBeUndefined();
    expect(correlation([5, 5, 5], [1, 2, 3])).toBeUndefined();
  });
});
