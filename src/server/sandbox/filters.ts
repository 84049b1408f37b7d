import safeRegex from 'safe-regex2';

/**
 * Query filters for db.<collection>, as they come from learner code. JSON has no RegExp, so the
 * shim sends `/gmail/i` as `{ $labRegExp: ["gmail", "i"] }`; here it becomes a RegExp again for
 * mingo. (Sent as JSON it was `{}`, which matches every document: a deleteMany with a regex
 * emptied the whole collection.)
 *
 * mingo runs a pattern on the worker thread, outside the isolate's time limit, and a regex with
 * nested repetition such as `^(a+)+$` can take exponential time: such patterns are refused.
 */
export function reviveFilter(value: unknown, depth = 0): unknown {
  if (depth > 32) throw new Error('The query filter is nested too deeply');
  if (Array.isArray(value)) return value.map((v) => reviveFilter(v, depth + 1));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first![0] === '$labRegExp' && Array.isArray(first![1])) {
    const [source, flags] = first![1] as unknown[];
    return checkedRegExp(String(source), String(flags ?? ''));
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    if (key === '$regex' && typeof v === 'string') checkedRegExp(v, '');
    out[key] = reviveFilter(v, depth + 1);
  }
  return out;
}

function checkedRegExp(source: string, flags: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, flags);
  } catch (error) {
    throw new Error(`Invalid regular expression /${source}/${flags}: ${(error as Error).message}`);
  }
  if (!safeRegex(pattern)) {
    throw new Error(`The regular expression /${source}/${flags} could take exponential time on some text (a repetition inside a repetition, such as (a+)+). Rewrite it without the nesting.`);
  }
  return pattern;
}
