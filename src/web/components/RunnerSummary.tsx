import { useSession } from '../state/session.ts';
import { TestResults } from './TestResults.tsx';

export function RunnerSummary() {
  const runner = useSession((s) => s.runner);
  if (!runner) return null;
  const tests = runner.results.flatMap((r) => r.tests);
  const passed = tests.filter((t) => t.passed).length;
  return (
    <section aria-label="Runner results" className="runner">
      <h3>
        Run of {runner.name} {runner.running ? '(running …)' : ''}
      </h3>
      <p>
        {runner.results.length} requests, {passed} of {tests.length} tests passed
      </p>
      <ol>
        {runner.results.map((r, i) => (
          <li key={i}>
            <span className={`method method-${r.method.toLowerCase()}`}>{r.method}</span> {r.name} → {r.status ?? r.error}
            <TestResults tests={r.tests} label={`Test results for ${r.name}`} />
          </li>
        ))}
      </ol>
    </section>
  );
}
