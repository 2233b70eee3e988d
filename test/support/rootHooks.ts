/** Mocha root hooks: fail the test whose responses did not match the spec. */
import { takeViolations } from './responseCheck';

export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    const found = takeViolations();
    if (found.length) {
      throw new Error(`responses that do not validate against the spec:\n  ${found.join('\n  ')}`);
    }
  },
};
