/**
 * A request's journey through the backend, as GET /api/traces/:id returns it. The response to
 * every /api and /sandbox request names its trace in the X-Trace-Id header.
 */

export type StepKind =
  | 'receive'
  | 'rate-limit'
  | 'parse'
  | 'auth'
  | 'authorize'
  | 'validate'
  | 'handler'
  | 'sql'
  | 'console'
  | 'error'
  | 'response';

/** allowed/denied for the checks (rate-limit, auth, authorize, validate); ok/error otherwise. */
export type StepOutcome = 'ok' | 'allowed' | 'denied' | 'error';

export interface TraceStep {
  kind: StepKind;
  /** One line for a person: "Bearer token of user 12", "SELECT … FROM courses". */
  name: string;
  /** Milliseconds since the request was received. */
  startMs: number;
  durationMs: number;
  outcome: StepOutcome;
  /**
   * What the step saw, secrets redacted. By kind:
   * receive {method, path, query?, headers: {name: value|"[redacted]"}, bodyBytes}
   * rate-limit {bucket, limit, remaining, resetSeconds}
   * parse {contentType, bytes}
   * auth {reason?, userId?, role?, expiredSecondsAgo?}
   * authorize {rule: "admin only" | "owner only" | …, reason?}
   * validate {errors?: [{path, message}]}
   * sql {sql, params, rows?, rowsAffected?, error?}
   * console {level, message, line?}
   * error {name, message}
   * response {status, bytes, contentType}
   * Denied and error steps carry `explanation`, a plain-language sentence for the learner; so do
   * the handler and response steps of a 4xx/5xx (what the client was told).
   */
  detail: Record<string, unknown>;
}

export interface Trace {
  /** 32 hex characters (128 random bits). */
  id: string;
  /** The W3C trace id this request belongs to (continued from traceparent, or new). */
  traceId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** ISO time the request was received. */
  startedAt: string;
  steps: TraceStep[];
}
