import { useId } from 'react';
import { resolvePreview, unknownVariables } from '../http/variable-preview.ts';
import { lab } from '../state/store.ts';
import { UnknownVariables } from './UnknownVariables.tsx';

/** A text field that may hold {{variables}}: their value on hover, undefined ones named under it. */
export function VariableField({ label, value, onChange, type = 'text' }: { label: string; value: string; onChange: (value: string) => void; type?: 'text' | 'password' }) {
  const id = useId();
  const missing = unknownVariables(lab.get(), value);
  return (
    <label className="variable-field">
      {label}{' '}
      <input
        aria-label={label}
        type={type}
        aria-describedby={missing.length ? id : undefined}
        className={missing.length ? 'has-unknown' : undefined}
        value={value}
        title={type === 'text' && value.includes('{{') ? resolvePreview(lab.get(), value) : undefined}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <UnknownVariables names={missing} id={id} compact />
    </label>
  );
}
