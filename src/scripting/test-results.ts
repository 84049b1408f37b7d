/** Turning what a pm.test callback threw into a TestResult's error, chai's details included. */
import { prettyJson } from './format.ts';
import type { TestError } from './types.ts';

export function testError(thrown: unknown): TestError {
  if (thrown instanceof Error || (thrown && typeof thrown === 'object' && 'message' in thrown)) {
    const error = thrown as Error & { expected?: unknown; actual?: unknown; showDiff?: boolean };
    const result: TestError = { name: error.name || 'Error', message: String(error.message), showDiff: false };
    if (error.name === 'AssertionError') {
      if ('expected' in error) result.expected = prettyJson(error.expected);
      if ('actual' in error) result.actual = prettyJson(error.actual);
      result.showDiff = Boolean(error.showDiff) && ('expected' in error || 'actual' in error);
    }
    return result;
  }
  return { name: 'Error', message: thrown === undefined ? 'undefined was thrown' : String(thrown), showDiff: false };
}
