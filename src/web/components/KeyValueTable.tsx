import { useId } from 'react';
import type { KeyValue } from '../../scripting/model.ts';
import { UnknownVariables } from './UnknownVariables.tsx';

/** Rows of key/value pairs with an empty row at the end for typing a new one. */
export function KeyValueTable({
  rows,
  onChange,
  label,
  keyPlaceholder = 'Key',
  valuePlaceholder = 'Value',
  resolve,
  unknown,
  toggles = true,
}: {
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  label: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** Shows what {{variables}} in a value stand for, on hover. */
  resolve?: (text: string) => string;
  /** The {{names}} in a value that nothing defines, marked under it. */
  unknown?: (text: string) => string[];
  /** A "Use" box per row; off where rows cannot be disabled (globals are plain names and values). */
  toggles?: boolean;
}) {
  const id = useId();
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
          const missing = unknown && row.enabled ? unknown(row.value) : [];
          return (
            <tr key={i}>
              <td className="kv-check">
                {!isNew && toggles && <input type="checkbox" aria-label={`Use ${name}`} checked={row.enabled} onChange={(e) => change(i, { enabled: e.target.checked })} />}
              </td>
              <td>
                <input aria-label={isNew ? `New ${label} key` : `${label} key ${i + 1}`} placeholder={keyPlaceholder} value={row.key} onChange={(e) => change(i, { key: e.target.value })} />
              </td>
              <td>
                <input
                  aria-label={isNew ? `New ${label} value` : `${label} value for ${name}`}
                  aria-describedby={missing.length ? `${id}-unknown-${i}` : undefined}
                  className={missing.length ? 'has-unknown' : undefined}
                  placeholder={valuePlaceholder}
                  value={row.value}
                  title={hint(row.value)}
                  onChange={(e) => change(i, { value: e.target.value })}
                />
                <UnknownVariables names={missing} id={`${id}-unknown-${i}`} compact />
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
