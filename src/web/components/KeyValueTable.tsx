import type { KeyValue } from '../../scripting/model.ts';

/** Rows of key/value pairs with an empty row at the end for typing a new one. */
export function KeyValueTable({
  rows,
  onChange,
  label,
  keyPlaceholder = 'Key',
  valuePlaceholder = 'Value',
  resolve,
}: {
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  label: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** Shows what {{variables}} in a value stand for, on hover. */
  resolve?: (text: string) => string;
}) {
  const hint = (text: string) => (resolve && text.includes('{{') ? resolve(text) : undefined);
  const shown = [...rows, { key: '', value: '', enabled: true }];
  const change = (index: number, patch: Partial<KeyValue>) => {
    const next = shown.map((row, i) => (i === index ? { ...row, ...patch } : row));
    onChange(next.filter((row, i) => i < next.length - 1 || row.key !== '' || row.value !== ''));
  };
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {shown.map((row, i) => {
          const isNew = i === shown.length - 1;
          const name = row.key || `row ${i + 1}`;
          return (
            <tr key={i}>
              <td className="kv-check">
                {!isNew && <input type="checkbox" aria-label={`Use ${name}`} checked={row.enabled} onChange={(e) => change(i, { enabled: e.target.checked })} />}
              </td>
              <td>
                <input aria-label={isNew ? `New ${label} key` : `${label} key ${i + 1}`} placeholder={keyPlaceholder} value={row.key} onChange={(e) => change(i, { key: e.target.value })} />
              </td>
              <td>
                <input aria-label={isNew ? `New ${label} value` : `${label} value for ${name}`} placeholder={valuePlaceholder} value={row.value} title={hint(row.value)} onChange={(e) => change(i, { value: e.target.value })} />
              </td>
              <td className="kv-remove">
                {!isNew && (
                  <button type="button" className="icon" aria-label={`Remove ${name}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    ×
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
