import type { EnvironmentValue, KeyValue } from '../../scripting/model.ts';

/**
 * Writing what scripts left in a scope back onto the rows the learner edits. Scripts only see the
 * enabled rows, so a disabled row is the learner's and stays as it is; a script that sets its
 * name gets a new row, as Postman's VariableScope.set adds one beside a disabled variable.
 */
function mergeRows<Row extends { key: string; enabled: boolean }>(rows: Row[], scope: Record<string, string>, withValue: (row: Row, value: string) => Row, added: (key: string, value: string) => Row): Row[] {
  const kept = rows.flatMap((row): Row[] => {
    if (!row.enabled) return [row];
    return Object.hasOwn(scope, row.key) ? [withValue(row, scope[row.key]!)] : []; // not in the scope: a script unset it
  });
  const enabledKeys = new Set(rows.filter((r) => r.enabled).map((r) => r.key));
  const fresh = Object.entries(scope)
    .filter(([key]) => !enabledKeys.has(key))
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
