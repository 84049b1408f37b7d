import { diffLines } from 'diff';
import { statusMeaning } from '../http/status.ts';
import type { TestOutcome } from '../state/session.ts';

/** Each test with its result; a failure shows expected against actual, line by line for JSON. */
export function TestResults({ tests, label = 'Test results' }: { tests: TestOutcome[]; label?: string }) {
  const passed = tests.filter((t) => t.passed).length;
  return (
    <section aria-label={label} className="test-results">
      {tests.length === 0 ? (
        <p className="muted">No tests ran. Write some in the Tests tab, for example: pm.test("status is 200", () =&gt; pm.response.to.have.status(200));</p>
      ) : (
        <p className={passed === tests.length ? 'summary ok' : 'summary fail'}>
          {passed} of {tests.length} passed
        </p>
      )}
      <ul>
        {tests.map((test, i) => (
          <li key={i} className={test.passed ? 'test passed' : 'test failed'}>
            <span className="test-mark" aria-hidden="true">
              {test.passed ? '✓' : '✗'}
            </span>
            <span className="test-name">{test.name}</span> <span className="test-outcome">{test.passed ? 'passed' : 'failed'}</span>
            {test.origin && test.origin !== 'request' && <span className="muted"> ({test.origin})</span>}
            {test.error && <FailureDetail error={test.error} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FailureDetail({ error }: { error: NonNullable<TestOutcome['error']> }) {
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
      {statusHint(error.message)}
      {error.name !== 'AssertionError' && <p className="muted">This is a {error.name} in the test code itself, not a failed check.</p>}
    </div>
  );
}

/** A failed status check says what the status that came back usually means. */
function statusHint(message: string) {
  const got = /status code \d+ but got (\d{3})/.exec(message)?.[1];
  if (!got) return null;
  return (
    <p className="hint">
      The server answered {got}: {statusMeaning(Number(got))}.
    </p>
  );
}
