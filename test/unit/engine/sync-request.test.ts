import { syncRequestProblem } from '../../../src/domain/messages';

describe('syncNow request validation', () => {
  it('accepts an empty, a partial and a full request', () => {
    expect(syncRequestProblem(undefined)).toBeUndefined();
    expect(syncRequestProblem({})).toBeUndefined();
    expect(syncRequestProblem({ mode: 'target' })).toBeUndefined();
    expect(syncRequestProblem({ mode: 'incremental', dryRun: true })).toBeUndefined();
  });

  it('names the field that is wrong', () => {
    expect(syncRequestProblem({ mode: 'everything' })).toMatch(/^syncNow\.mode: must be one of full, incremental, target/);
    expect(syncRequestProblem({ dryRun: 'yes' })).toBe('syncNow.dryRun: must be a boolean');
    expect(syncRequestProblem('full')).toBe('syncNow: the request must be an object');
  });
});
