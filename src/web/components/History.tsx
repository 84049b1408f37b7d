import { useState } from 'react';
import { openRequest } from '../state/collections.ts';
import { lab, newId, newRequest, useLab } from '../state/store.ts';

/** Every request sent, newest first — also those sent by scripts and the runner. */
export function History() {
  const history = useLab((s) => s.history);
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const shown = needle ? history.filter((h) => `${h.method} ${h.url} ${h.status ?? ''}`.toLowerCase().includes(needle)) : history;
  return (
    <div className="history">
      <div className="toolbar">
        <label className="grow">
          <span className="visually-hidden">Search history</span>
          <input type="search" aria-label="Search history" placeholder="Search history" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="button" onClick={() => confirm('Clear the whole history?') && lab.set((s) => ({ ...s, history: [] }))}>
          Clear
        </button>
      </div>
      {shown.length === 0 && <p className="muted">{history.length ? 'Nothing matches.' : 'Requests you send appear here.'}</p>}
      <ul aria-label="History" className="history-list">
        {shown.map((entry) => (
          <li key={entry.id}>
            <button
              type="button"
              onClick={() => openRequest(undefined, entry.request ? { ...entry.request, id: newId() } : newRequest({ method: entry.method, url: entry.url, name: `${entry.method} ${entry.url}` }))}
              title={new Date(entry.at).toLocaleString()}
            >
              <span className={`method method-${entry.method.toLowerCase()}`}>{entry.method}</span> <span className="history-url">{entry.url}</span>{' '}
              <span className="muted">
                {entry.status ?? entry.error ?? ''}
                {entry.source !== 'client' ? ` · ${entry.source}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
