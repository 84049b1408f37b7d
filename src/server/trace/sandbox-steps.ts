import type { SandboxRequest, SandboxResponse } from '../sandbox/types.ts';
import type { TraceRecorder } from './recorder.ts';
import { MAX_SQL } from './redact.ts';

/**
 * What the learner's code did (SQL, console lines, errors) joins the request's trace. Learner code
 * may log anything or build SQL out of what it was sent, so everything it reports goes through the
 * redactor after it has learned the request's secrets: its body fields, credentials, cookies,
 * secret headers and query parameters.
 */
export function addSandboxSteps(trace: TraceRecorder, request: SandboxRequest, response: SandboxResponse) {
  const { redactor } = trace;
  const steps = response.steps ?? [];
  // Nothing of the learner's code to scrub: the request's secrets need not be learned.
  if (steps.length === 0 && response.status < 400) return;
  learnSecrets(trace, request);
  for (const step of steps) {
    const detail: Record<string, unknown> = { ...step.detail };
    if (step.kind === 'sql') {
      const sql = String(detail.sql ?? '');
      detail.sql = redactor.scrub(sql, MAX_SQL);
      detail.params = redactor.sqlParams(sql, Array.isArray(detail.params) ? detail.params : []);
      if (typeof detail.error === 'string') detail.error = redactor.scrub(detail.error);
    } else if (typeof detail.message === 'string') detail.message = redactor.scrub(detail.message);
    if (step.kind === 'error') {
      detail.name = redactor.scrub(String(detail.name ?? 'Error'), 200);
      const what = detail.name === 'Thrown value' ? String(detail.message ?? '') : `${String(detail.name)}: ${String(detail.message ?? '')}`;
      const where = typeof detail.line === 'number' ? ` (line ${detail.line} of your code)` : '';
      detail.explanation = `${response.status}: your code threw ${what}${where}. The client got a problem+json without a stack; the workspace log has the whole error.`;
    }
    const name = step.kind === 'console' ? `${step.name}: ${redactor.scrub(String(step.detail.message ?? ''), 100)}` : redactor.scrub(step.name, 200);
    trace.add(step.kind, name, step.at - trace.epoch0, step.durationMs, step.outcome, detail);
  }
  if (response.status >= 400) noteProblem(trace, response);
}

function learnSecrets(trace: TraceRecorder, request: SandboxRequest) {
  const { redactor } = trace;
  redactor.learnFromRequest(request.headers, request.query);
  const type = request.headers['content-type'] ?? '';
  try {
    if (type.includes('json')) redactor.learnFrom(JSON.parse(request.body));
    else if (type.includes('urlencoded')) redactor.learnFrom(Object.fromEntries(new URLSearchParams(request.body)));
  } catch {
    // A body that does not parse teaches nothing; the learner's code sees it as it is.
  }
}

/** A problem+json the learner's code answered becomes the explanation of the refusing step. */
function noteProblem(trace: TraceRecorder, response: SandboxResponse) {
  if (!String(response.headers['content-type'] ?? '').includes('problem+json')) return;
  try {
    const problem = JSON.parse(response.body) as { detail?: unknown };
    if (typeof problem.detail === 'string') trace.problem = { status: response.status, detail: trace.redactor.scrub(problem.detail) };
  } catch {
    // Not JSON after all: the status alone tells the story.
  }
}
