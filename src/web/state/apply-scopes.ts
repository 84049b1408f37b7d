import type { EnvironmentValue, KeyValue } from '../../scripting/model.ts';

/**
 * Writing what scripts left in a scope back onto the rows the learner edits. Scripts only see the
 * enabled rows, so a disabled row is the learner's and stays as it is, unless a script set that
 * very name (there is no other row for it to go to): then it is enabled with the new value.
 */
function mergeRows<Row extends { key: string; enabled: boolean }>(rows: Row[], scope: Record<string, string>, withValue: (row: Row, value: string) => Row, added: (key: string, value: string) => Row): Row[] {
  const enabledKeys = new Set(rows.filter((r) => r.enabled).map((r) => r.key));
  const claimed = new Set<string>();
  const kept = rows.flatMap((row): Row[] => {
    const set = Object.hasOwn(scope, row.key);
    if (row.enabled) return set ? [withValue(row, scope[row.key]!)] : []; // not in the scope: a script unset it
    if (set && !enabledKeys.has(row.key) && !claimed.has(row.key)) {
      claimed.add(row.key);
      return [{ ...withValue(row, scope[row.key]!), enabled: true }];
    }
    return [row];
  });
  const known = new Set(rows.map((r) => r.key));
  const fresh = Object.entries(scope)
    .filter(([key]) => !known.has(key))
    .map(([key, value]) => added(key, value));
  return [...kept, ...fresh];
}

/** Scripts write current values; the initial value (what an export shares) is the learner's. */
export const mergeEnvironmentValues = (values: EnvironmentValue[], scope: Record<string, string>): EnvironmentValue[] =>
  mergeRows(
    values,
    scope,
    (row, current) => ({ ...row, current }),
    (key, current) => ({ key, initial: '', current, enabled: true }),
  );

export const mergeCollectionVariables = (variables: KeyValue[], scope: Record<string, string>): KeyValue[] =>
  mergeRows(
    variables,
    scope,
    (row, value) => ({ ...row, value }),
    (key, value) => ({ key, value, enabled: true }),
  );
