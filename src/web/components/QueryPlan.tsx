import type { Explained } from '../http/explorer.ts';

type Step = Explained['plan'][number];

/**
 * A query plan for a learner: first whether the database reads whole tables or goes through an
 * index, then each step in plain words with the database's own words beside it, nested as the
 * database nests them (a join's inputs under the join).
 */
export function QueryPlan({ explained }: { explained: Explained }) {
  const children = new Map<number, Step[]>();
  for (const step of explained.plan) children.set(step.parent, [...(children.get(step.parent) ?? []), step]);
  const ids = new Set(explained.plan.map((s) => s.id));
  // Steps whose parent is not in the plan (SQLite numbers from its own internals) are top-level.
  const top = explained.plan.filter((s) => s.parent === 0 || !ids.has(s.parent));
  const render = (steps: Step[]) => (
    <ol>
      {steps.map((step) => (
        <li key={step.id} className={step.fullScan ? 'plan-step plan-full-scan' : step.index ? 'plan-step plan-uses-index' : 'plan-step'}>
          <span>{step.summary}</span> <code className="muted">{step.detail}</code>
          {step.estimatedRows !== undefined && <span className="muted"> · about {step.estimatedRows} row{step.estimatedRows === 1 ? '' : 's'}</span>}
          {children.has(step.id) && render(children.get(step.id)!)}
        </li>
      ))}
    </ol>
  );
  return (
    <section aria-label="Query plan" className="query-plan">
      <p className={explained.scans.length > 0 ? 'plan-verdict plan-verdict-scan' : 'plan-verdict plan-verdict-index'}>{verdict(explained)}</p>
      {render(top)}
    </section>
  );
}

function verdict({ scans, usesIndex }: Explained) {
  if (scans.length > 0) {
    const tables = scans.join(', ');
    return `Full scan of ${tables}: every row is read${usesIndex ? '; another step does use an index (or a primary key)' : ', no index helps'}. An index on the columns you filter by could turn this into a search.`;
  }
  if (usesIndex) return 'Uses an index: only the matching rows are read.';
  return 'No table is read in full.';
}
