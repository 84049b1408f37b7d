/** Turning script values into text, the way a browser console and a diff view show them. */

/** JSON with two-space indent that never throws: cycles, BigInt and functions still print. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  const seen = new WeakSet<object>();
  try {
    const text = JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
        if (v === undefined) return v;
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
          if (v instanceof Map) return Object.fromEntries(v);
          if (v instanceof Set) return [...v];
          if (v instanceof Error) return `${v.name}: ${v.message}`;
        }
        return v;
      },
      2,
    );
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

/** One console argument: text as is, errors by name and message, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'object' && value !== null) return prettyJson(value);
  if (typeof value === 'function') return prettyJson(value);
  return String(value);
}

/** console.log(...args), with the printf-style placeholders browsers understand in a first string. */
export function formatConsoleArgs(args: unknown[]): string {
  const rest = [...args];
  let head = '';
  if (typeof rest[0] === 'string' && rest[0].includes('%')) {
    const format = rest.shift() as string;
    head = format.replace(/%([sdifoOjc%])/g, (whole, spec: string) => {
      if (spec === '%') return '%';
      if (rest.length === 0) return whole;
      const arg = rest.shift();
      switch (spec) {
        case 's':
          return typeof arg === 'string' ? arg : formatValue(arg);
        case 'd':
        case 'i':
          return String(typeof arg === 'bigint' ? arg : Math.trunc(Number(arg)));
        case 'f':
          return String(Number(arg));
        case 'c':
          return ''; // CSS styling means nothing outside a devtools console
        default:
          return prettyJson(arg);
      }
    });
    if (rest.length === 0) return head;
    return [head, ...rest.map(formatValue)].join(' ');
  }
  return rest.map(formatValue).join(' ');
}
