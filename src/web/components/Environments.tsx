import { useState } from 'react';
import type { Environment, EnvironmentValue } from '../../scripting/model.ts';
import { exportEnvironmentFile } from '../http/files.ts';
import { lab, newId, useLab } from '../state/store.ts';
import { KeyValueTable } from './KeyValueTable.tsx';

function editEnvironment(id: string, change: (e: Environment) => Environment) {
  lab.set((s) => ({ ...s, environments: s.environments.map((e) => (e.id === id ? change(e) : e)) }));
}

/**
 * Every environment, each editable whether or not it is the one in use; the initial value is what
 * an export shares, the current one is what requests use. Globals below, editable too.
 */
export function Environments() {
  const environments = useLab((s) => s.environments);
  const activeId = useLab((s) => s.activeEnvironmentId);
  const globals = useLab((s) => s.globals);
  const add = () => {
    const env = { id: newId(), name: `Environment ${environments.length + 1}`, values: [] };
    lab.set((s) => ({ ...s, environments: [...s.environments, env], activeEnvironmentId: env.id }));
  };
  return (
    <div className="environments">
      <div className="toolbar">
        <button type="button" onClick={add}>
          New environment
        </button>
      </div>
      <ul className="environment-list" aria-label="Environments">
        {environments.map((env) => (
          <EnvironmentItem key={env.id} env={env} active={env.id === activeId} />
        ))}
      </ul>
      <h3>Globals</h3>
      <p className="muted">Seen by every request in every environment; scripts set them with pm.globals.set(name, value).</p>
      <KeyValueTable
        label="Global"
        keyPlaceholder="Variable"
        toggles={false}
        rows={Object.entries(globals).map(([key, value]) => ({ key, value, enabled: true }))}
        onChange={(rows) => lab.set((s) => ({ ...s, globals: Object.fromEntries(rows.map((r) => [r.key, r.value])) }))}
      />
    </div>
  );
}

function EnvironmentItem({ env, active }: { env: Environment; active: boolean }) {
  // Open at first for the one in use; afterwards it stays as the learner leaves it.
  const [open, setOpen] = useState(active);
  return (
    <li>
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          {env.name} {active && <span className="muted">(in use)</span>}
        </summary>
        {!active && (
          <button type="button" onClick={() => lab.set((s) => ({ ...s, activeEnvironmentId: env.id }))}>
            Use {env.name}
          </button>
        )}
        {open && <EnvironmentEditor env={env} />}
      </details>
    </li>
  );
}

function EnvironmentEditor({ env }: { env: Environment }) {
  const rows = [...env.values, { key: '', initial: '', current: '', enabled: true }];
  const change = (index: number, patch: Partial<EnvironmentValue>) => {
    const next = rows.map((row, i) => (i === index ? { ...row, ...patch } : row)).filter((row, i, all) => i < all.length - 1 || row.key !== '');
    editEnvironment(env.id, (e) => ({ ...e, values: next }));
  };
  return (
    <div>
      <label>
        Environment name <input aria-label={`Name of ${env.name}`} value={env.name} onChange={(e) => editEnvironment(env.id, (x) => ({ ...x, name: e.target.value }))} />
      </label>
      <table className="kv env-table" aria-label={`Variables of ${env.name}`}>
        <thead>
          <tr>
            <th>
              <span className="visually-hidden">Use</span>
            </th>
            <th>Variable</th>
            <th>Initial value</th>
            <th>Current value</th>
            <th>
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const isNew = i === rows.length - 1;
            const name = row.key || 'new variable';
            return (
              <tr key={i}>
                <td className="kv-check">{!isNew && <input type="checkbox" aria-label={`Use ${name} in ${env.name}`} checked={row.enabled} onChange={(e) => change(i, { enabled: e.target.checked })} />}</td>
                <td>
                  <input aria-label={isNew ? `New variable name in ${env.name}` : `Variable name ${i + 1} in ${env.name}`} value={row.key} onChange={(e) => change(i, { key: e.target.value })} />
                </td>
                <td>
                  <input aria-label={`Initial value of ${name} in ${env.name}`} value={row.initial} onChange={(e) => change(i, { initial: e.target.value, ...(row.current === row.initial ? { current: e.target.value } : {}) })} />
                </td>
                <td>
                  <input aria-label={`Current value of ${name} in ${env.name}`} value={row.current} onChange={(e) => change(i, { current: e.target.value })} />
                </td>
                <td>
                  {!isNew && (
                    <button type="button" className="icon" aria-label={`Remove ${name} from ${env.name}`} onClick={() => editEnvironment(env.id, (e) => ({ ...e, values: e.values.filter((_, j) => j !== i) }))}>
                      ×
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="toolbar">
        <button type="button" onClick={() => editEnvironment(env.id, (e) => ({ ...e, values: e.values.map((v) => ({ ...v, current: v.initial })) }))}>
          Reset current values
        </button>
        <button type="button" onClick={() => exportEnvironmentFile(env)}>
          Export environment
        </button>
        <button
          type="button"
          onClick={() =>
            confirm(`Delete the environment "${env.name}"?`) &&
            lab.set((s) => ({ ...s, environments: s.environments.filter((e) => e.id !== env.id), activeEnvironmentId: s.activeEnvironmentId === env.id ? null : s.activeEnvironmentId }))
          }
        >
          Delete environment
        </button>
      </div>
    </div>
  );
}

export function EnvironmentPicker() {
  const environments = useLab((s) => s.environments);
  const activeId = useLab((s) => s.activeEnvironmentId);
  return (
    <label className="env-picker">
      <span aria-hidden="true">Environment </span>
      <select aria-label="Environment" value={activeId ?? ''} onChange={(e) => lab.set((s) => ({ ...s, activeEnvironmentId: e.target.value || null }))}>
        <option value="">No environment</option>
        {environments.map((env) => (
          <option key={env.id} value={env.id}>
            {env.name}
          </option>
        ))}
      </select>
    </label>
  );
}
