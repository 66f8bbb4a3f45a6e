import { expect } from 'chai';

describe('toolchain', () => {
  it('runs TypeScript tests under mocha', () => {
    const n: number = 1 + 1;
    expect(n).to.equal(2);
  });
});
