import { stopCollectionRun } from '../http/run.ts';
import { type RunnerEntry, useSession } from '../state/session.ts';
import { TestResults } from './TestResults.tsx';

/** Counted as newman counts: a skipped test is neither passed nor failed; a script error is its own count. */
function counts(results: RunnerEntry[]) {
  const tests = results.flatMap((r) => r.tests);
  const skipped = tests.filter((t) => t.skipped).length;
  const passed = tests.filter((t) => !t.skipped && t.passed).length;
  return { ran: tests.length - skipped, passed, failed: tests.length - skipped - passed, skipped, errors: results.filter((r) => r.error && !r.stopped).length };
}

export function RunnerSummary() {
  const runner = useSession((s) => s.runner);
  if (!runner) return null;
  const { ran, passed, failed, skipped, errors } = counts(runner.results);
  return (
    <section aria-label="Runner results" className="runner">
      <h3>
        Run of {runner.name} {runner.running ? (runner.stopping ? '(stopping …)' : '(running …)') : runner.stopped ? '(stopped)' : ''}
      </h3>
      {runner.running && (
        <button type="button" onClick={stopCollectionRun} disabled={runner.stopping}>
          Stop
        </button>
      )}
      <p className="runner-counts">
        {runner.results.length} requests, {passed} of {ran} tests passed · {failed} failed · {skipped} skipped · {errors} {errors === 1 ? 'error' : 'errors'}
      </p>
      <ol>
        {runner.results.map((r, i) => (
          <li key={i}>
            <span className={`method method-${r.method.toLowerCase()}`}>{r.method}</span> {r.name}
            {r.status !== undefined && <> → {r.status}</>}
            {r.error && (
              <p className="run-error" role="note">
                {r.error}
              </p>
            )}
            {r.tests.length > 0 && <TestResults tests={r.tests} label={`Test results for ${r.name}`} stopped={r.stopped} responseCode={r.status} />}
          </li>
        ))}
      </ol>
    </section>
  );
}
