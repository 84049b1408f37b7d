/**
 * One copy of each short string that recurs from request to request (a client's host, user agent
 * and accept headers, a path): every kept trace held its own copies, a third of its size. Bounded,
 * since the strings are the client's.
 */
const copies = new Map<string, string>();

export function oneCopy(value: string) {
  if (value.length > 200) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (copies.size >= 1000) copies.clear();
  copies.set(value, value);
  return value;
}
