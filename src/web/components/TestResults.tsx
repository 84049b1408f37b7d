import { diffLines } from 'diff';
import { statusMeaning } from '../http/status.ts';
import { failedStatus } from '../http/status-hint.ts';
import type { TestOutcome } from '../state/session.ts';

const outcome = (test: TestOutcome) => (test.skipped ? 'skipped' : test.passed ? 'passed' : 'failed');
const MARKS = { passed: '✓', failed: '✗', skipped: '–' };

/**
 * Each test with its result; a failure shows expected against actual, line by line for JSON.
 * Skipped tests (pm.test.skip) count as neither passed nor failed, as newman counts them.
 */
export function TestResults({ tests, label = 'Test results', stopped, responseCode }: { tests: TestOutcome[]; label?: string; stopped?: boolean; responseCode?: number }) {
  const skipped = tests.filter((t) => t.skipped).length;
  const ran = tests.length - skipped;
  const passed = tests.filter((t) => !t.skipped && t.passed).length;
  return (
    <section aria-label={label} className="test-results">
      {stopped && <p className="summary fail">Stopped before the tests finished: only those that ran before are shown.</p>}
      {tests.length === 0 ? (
        !stopped && <p className="muted">No tests ran. Write some in the Tests tab, for example: pm.test("status is 200", () =&gt; pm.response.to.have.status(200));</p>
      ) : (
        <p className={passed === ran ? 'summary ok' : 'summary fail'}>
          {passed} of {ran} passed{skipped > 0 && `, ${skipped} skipped`}
        </p>
      )}
      <ul>
        {tests.map((test, i) => (
          <li key={i} className={`test ${outcome(test)}`}>
            <span className="test-mark" aria-hidden="true">
              {MARKS[outcome(test)]}
            </span>
            <span className="test-name">{test.name}</span> <span className="test-outcome">{outcome(test)}</span>
            {test.origin && test.origin !== 'request' && <span className="muted"> ({test.origin})</span>}
            {test.error && <FailureDetail error={test.error} responseCode={responseCode} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FailureDetail({ error, responseCode }: { error: NonNullable<TestOutcome['error']>; responseCode?: number }) {
  const hasDiff = error.showDiff && error.expected !== undefined && error.actual !== undefined;
  return (
    <div className="failure">
      <p className="failure-message">{error.message}</p>
      {hasDiff && (
        <figure className="diff" aria-label="Expected and actual">
          <figcaption>
            <span className="diff-expected">− expected</span> <span className="diff-actual">+ actual</span>
          </figcaption>
          <pre>
            {diffLines(error.expected!, error.actual!).map((part, i) => (
              <span key={i} className={part.added ? 'diff-actual' : part.removed ? 'diff-expected' : undefined}>
                {part.value
                  .replace(/\n$/, '')
                  .split('\n')
                  .map((line) => `${part.added ? '+ ' : part.removed ? '− ' : '  '}${line}`)
                  .join('\n') + '\n'}
              </span>
            ))}
          </pre>
        </figure>
      )}
      {statusHint(failedStatus(error, responseCode))}
      {error.name !== 'AssertionError' && <p className="muted">This is a {error.name} in the test code itself, not a failed check.</p>}
    </div>
  );
}

/** A failed status check says what the status that came back usually means. */
function statusHint(got: number | undefined) {
  if (got === undefined) return null;
  return (
    <p className="hint">
      The server answered {got}: {statusMeaning(got)}.
    </p>
  );
}
