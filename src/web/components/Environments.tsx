import type { Environment, EnvironmentValue } from '../../scripting/model.ts';
import { exportEnvironmentFile } from '../http/files.ts';
import { activeEnvironment, lab, newId, useLab } from '../state/store.ts';

function editEnvironment(id: string, change: (e: Environment) => Environment) {
  lab.set((s) => ({ ...s, environments: s.environments.map((e) => (e.id === id ? change(e) : e)) }));
}

/** Variables per environment: the initial value is what an export shares, the current one is what requests use. */
export function Environments() {
  const environments = useLab((s) => s.environments);
  const active = useLab(activeEnvironment);
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
      {active ? <EnvironmentEditor env={active} /> : <p className="muted">Choose an environment at the top to edit its variables.</p>}
      <h3>Globals</h3>
      <ul className="globals">
        {Object.entries(globals).map(([key, value]) => (
          <li key={key}>
            <code>{key}</code> = <code>{value}</code>
          </li>
        ))}
        {Object.keys(globals).length === 0 && <li className="muted">None; scripts set them with pm.globals.set(name, value).</li>}
      </ul>
    </div>
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
        Environment name <input aria-label="Environment name" value={env.name} onChange={(e) => editEnvironment(env.id, (x) => ({ ...x, name: e.target.value }))} />
      </label>
      <table className="kv env-table" aria-label={`Variables of ${env.name}`}>
        <thead>
          <tr>
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
            const name = row.key || 'new variable';
            return (
              <tr key={i}>
                <td>
                  <input aria-label={i === rows.length - 1 ? 'New variable name' : `Variable name ${i + 1}`} value={row.key} onChange={(e) => change(i, { key: e.target.value })} />
                </td>
                <td>
                  <input aria-label={`Initial value of ${name}`} value={row.initial} onChange={(e) => change(i, { initial: e.target.value, ...(row.current === row.initial ? { current: e.target.value } : {}) })} />
                </td>
                <td>
                  <input aria-label={`Current value of ${name}`} value={row.current} onChange={(e) => change(i, { current: e.target.value })} />
                </td>
                <td>
                  {i < rows.length - 1 && (
                    <button type="button" className="icon" aria-label={`Remove ${name}`} onClick={() => editEnvironment(env.id, (e) => ({ ...e, values: e.values.filter((_, j) => j !== i) }))}>
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
            confirm(`Delete the environment "${env.name}"?`) && lab.set((s) => ({ ...s, environments: s.environments.filter((e) => e.id !== env.id), activeEnvironmentId: null }))
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
