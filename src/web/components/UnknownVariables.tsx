/**
 * Names in a field that nothing defines yet, in words, so the warning does not rest on colour and
 * reaches a screen reader (fields point at it with aria-describedby).
 */
export function UnknownVariables({ names, id, compact }: { names: string[]; id: string; compact?: boolean }) {
  if (names.length === 0) return null;
  const list = names.map((n) => `{{${n}}}`).join(', ');
  return (
    <span id={id} className={compact ? 'unknown-vars compact' : 'unknown-vars'}>
      {compact ? `Not defined: ${list}` : `Not defined: ${list}. Set ${names.length === 1 ? 'it' : 'them'} in the environment, the collection or a pre-request script; otherwise ${names.length === 1 ? 'it is' : 'they are'} sent as typed.`}
    </span>
  );
}
