import { expect } from 'chai';
import { renderTable, summarize } from '../../bench/stats.js';

describe('bench/stats', () => {
  it('computes nearest-rank percentiles', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).to.deep.equal({ n: 100, p50: 50, p95: 95, max: 100 });
    expect(summarize([7])).to.deep.equal({ n: 1, p50: 7, p95: 7, max: 7 });
  });

  it('prints ratios against the raw baseline and flags missed targets', () => {
    const table = renderTable([
      {
        id: 'P1',
        scenario: 'create',
        result: summarize([10, 20]),
        baseline: summarize([5]),
        target: 'p50 ≤ 25 ms',
        met: true,
      },
      { id: 'P3', scenario: 'hook', result: summarize([30]), target: 'p50 ≤ 20 ms', met: false },
    ]);
    expect(table).to.contain('| P1 | create | 2 | 10.0 | 20.0 | 20.0 | — | 5.0 | 2.00× | p50 ≤ 25 ms | yes |');
    expect(table).to.contain('| **no** |');
  });
});
