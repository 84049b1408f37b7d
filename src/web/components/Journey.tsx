import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { barGeometry, formatMs, journeySummary, refusingStep, stepExplanation, timelineSpan, tokenizeSql } from '../http/journey.ts';
import { fetchTrace, isLabUrl, type Trace, type TraceResult, type TraceStep } from '../http/traces.ts';
import type { ExchangeView, RunView } from '../state/session.ts';

/**
 * The Journey tab: what happened inside the lab's server to this request (and to each request
 * its scripts sent), step by step on a time scale, as GET /api/traces/:id recorded it.
 */
export default function Journey({ run }: { run: RunView }) {
  const exchanges = useMemo(() => exchangesOf(run), [run]);
  const [selected, setSelected] = useState(0);
  useEffect(() => setSelected(0), [run]);
  const current = exchanges[selected] ?? exchanges[0];

  return (
    <div className="journey">
      {exchanges.length > 1 && (
        <ul className="journey-exchanges" aria-label="Requests of this run">
          {exchanges.map((exchange, i) => (
            <li key={i}>
              <button type="button" aria-pressed={exchange === current} onClick={() => setSelected(i)}>
                <span className="journey-exchange-source">{exchange.main ? 'This request' : 'Script'}:</span>{' '}
                <span className={`method method-${exchange.method.toLowerCase()}`}>{exchange.method}</span> {shortUrl(exchange.url)}{' '}
                <span className="muted">{exchange.status ?? 'no response'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {current ? <ExchangeJourney exchange={current} /> : <p className="muted">This run sent no request, so there is no journey to show.</p>}
    </div>
  );
}

/** The request itself first, then what scripts sent, in the order they were sent. */
function exchangesOf(run: RunView): ExchangeView[] {
  const list = run.exchanges ?? [];
  if (list.length === 0 && run.request) {
    const traceId = run.response?.headers.find((h) => h.key.toLowerCase() === 'x-trace-id')?.value;
    return [{ main: true, method: run.request.method, url: run.request.url, status: run.response?.code, traceId }];
  }
  return [...list.filter((e) => e.main), ...list.filter((e) => !e.main)];
}

function shortUrl(url: string): string {
  if (!isLabUrl(url)) return url;
  const u = new URL(url, location.origin);
  return u.pathname + u.search;
}

type Loaded = { id: string; result: TraceResult } | undefined;

function ExchangeJourney({ exchange }: { exchange: ExchangeView }) {
  const { traceId } = exchange;
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    if (!traceId) return;
    const controller = new AbortController();
    fetchTrace(traceId, { signal: controller.signal }).then(
      (result) => setLoaded({ id: traceId, result }),
      () => {},
    );
    return () => controller.abort();
  }, [traceId]);

  const label = `${exchange.method} ${shortUrl(exchange.url)}`;
  if (exchange.error || exchange.status === undefined) {
    return <Note>{label} got no response{exchange.error ? ` (${exchange.error})` : ''}, so it has no journey.</Note>;
  }
  if (!isLabUrl(exchange.url)) {
    return (
      <Note>
        {label} went to another server ({new URL(exchange.url).origin}). A journey is only recorded for this lab's <code>/api</code> and <code>/sandbox</code> requests.
      </Note>
    );
  }
  if (!traceId) {
    const path = new URL(exchange.url, location.origin).pathname;
    return /^\/(api|sandbox)\//.test(path) ? (
      <Note>The response to {label} has no X-Trace-Id header, so no journey was recorded for it.</Note>
    ) : (
      <Note>
        A journey is only recorded for this lab's <code>/api</code> and <code>/sandbox</code> requests; <code>{path}</code> is not one of them.
      </Note>
    );
  }
  const result = loaded?.id === traceId ? loaded.result : undefined;
  if (!result)
    return (
      <p className="muted" role="status">
        Loading the journey of {label} …
      </p>
    );
  if (result.kind === 'missing') return <Note>No journey recorded for {label} (trace {traceId}): the lab keeps the journeys of recent requests only. Send it again to see one.</Note>;
  if (result.kind === 'failed') return <Note alert>{result.message}</Note>;
  return <TraceView trace={result.trace} />;
}

function Note({ children, alert }: { children: ReactNode; alert?: boolean }) {
  return (
    <p className={alert ? 'journey-note run-error' : 'journey-note muted'} role={alert ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

function TraceView({ trace }: { trace: Trace }) {
  const refusing = refusingStep(trace);
  const span = timelineSpan(trace);
  return (
    <section className="journey-trace" aria-label={`Journey of ${trace.method} ${trace.path}`}>
      <p className={`journey-summary ${refusing ? `journey-${refusing.outcome}` : 'journey-ok'}`}>{journeySummary(trace)}</p>
      <p className="journey-meta muted">
        {trace.method} <code>{trace.path}</code> · {formatMs(trace.durationMs)} · {new Date(trace.startedAt).toLocaleTimeString()} · trace <code>{trace.id}</code>
      </p>
      <div className="journey-axis" aria-hidden="true">
        <span>0 ms</span>
        <span>{formatMs(span)}</span>
      </div>
      <ol className="journey-steps" aria-label="Request journey">
        {trace.steps.map((step, i) => (
          <Step key={i} step={step} span={span} refusing={step === refusing} />
        ))}
      </ol>
    </section>
  );
}

function Step({ step, span, refusing }: { step: TraceStep; span: number; refusing: boolean }) {
  const { left, width } = barGeometry(step, span);
  const explanation = stepExplanation(step);
  return (
    <li className={`journey-step journey-kind-${step.kind} journey-${step.outcome}${refusing ? ' journey-refusing' : ''}`}>
      {/* Read in this order: "auth, denied, 0.4 ms: Bearer token …". */}
      <div className="journey-step-head">
        <span className="journey-step-kind">{step.kind}</span>
        <span className="visually-hidden">, </span>
        <span className="journey-step-outcome">{step.outcome}</span>
        <span className="visually-hidden">, </span>
        <span className="journey-step-duration">{formatMs(step.durationMs)}</span>
        <span className="visually-hidden">: </span>
        {/* A statement or console line shown in full below is not repeated here, except for screen readers. */}
        <span className={shownBelow(step) ? 'journey-step-name visually-hidden' : 'journey-step-name'}>{step.name}</span>
      </div>
      <div className="journey-track" aria-hidden="true">
        <span className="journey-bar" style={{ left: `min(${left}%, calc(100% - 3px))`, width: `${width}%` }} />
      </div>
      {explanation && (
        <p className="journey-explanation">
          {refusing && <strong>{step.outcome === 'denied' ? 'Refused here — ' : 'Failed here — '}</strong>}
          {explanation}
        </p>
      )}
      <StepDetail step={step} />
    </li>
  );
}

const shownBelow = (step: TraceStep) => (step.kind === 'sql' && typeof step.detail?.sql === 'string') || (step.kind === 'console' && typeof step.detail?.message === 'string');

function StepDetail({ step }: { step: TraceStep }) {
  const { explanation: _explanation, ...detail } = step.detail ?? {};
  if (step.kind === 'sql' && typeof detail.sql === 'string') return <SqlDetail detail={detail} />;
  if (step.kind === 'console' && typeof detail.message === 'string') {
    return (
      <pre className={`journey-console console-${String(detail.level ?? 'log')}`}>
        {`console.${String(detail.level ?? 'log')}${typeof detail.line === 'number' ? `, line ${detail.line}` : ''}: `}
        {detail.message}
      </pre>
    );
  }
  if (Object.keys(detail).length === 0) return null;
  return (
    <details className="journey-detail">
      <summary>
        Details<span className="visually-hidden"> of the {step.kind} step</span>
      </summary>
      <pre>{JSON.stringify(detail, null, 2)}</pre>
    </details>
  );
}

function SqlDetail({ detail }: { detail: Record<string, unknown> }) {
  const params = Array.isArray(detail.params) ? detail.params : [];
  const rows = detail.rows;
  const rowCount = typeof rows === 'number' ? rows : Array.isArray(rows) ? rows.length : undefined;
  return (
    <div className="journey-sql-detail">
      <pre className="journey-sql" aria-label="SQL statement">
        <code>
          {tokenizeSql(String(detail.sql)).map((token, i) => (token.type === 'other' ? token.text : <span key={i} className={`sql-${token.type}`}>{token.text}</span>))}
        </code>
      </pre>
      <p className="journey-sql-facts">
        {params.length > 0 && (
          <span>
            Parameters: <code>{params.map((p) => JSON.stringify(p)).join(', ')}</code>
          </span>
        )}
        {rowCount !== undefined && <span>{rowCount === 1 ? '1 row' : `${rowCount} rows`} back</span>}
        {typeof detail.rowsAffected === 'number' && <span>{detail.rowsAffected === 1 ? '1 row' : `${detail.rowsAffected} rows`} changed</span>}
        {typeof detail.error === 'string' && <span className="journey-sql-error">Error: {detail.error}</span>}
      </p>
      {Array.isArray(rows) && rows.length > 0 && (
        <details className="journey-detail">
          <summary>Rows</summary>
          <pre>{JSON.stringify(rows, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
