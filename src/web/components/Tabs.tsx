import { type ReactNode, useId, useState } from 'react';

export interface Tab {
  id: string;
  label: ReactNode;
  render: () => ReactNode;
}

/** WAI-ARIA tabs: arrow keys move between tabs, each panel is labelled by its tab. */
export function Tabs({ tabs, label, initial, selected, onSelect }: { tabs: Tab[]; label: string; initial?: string; selected?: string; onSelect?: (id: string) => void }) {
  const [own, setOwn] = useState(initial ?? tabs[0]?.id);
  const current = selected ?? own;
  const select = (id: string) => (onSelect ? onSelect(id) : setOwn(id));
  const prefix = useId();
  const active = tabs.find((t) => t.id === current) ?? tabs[0];
  const move = (delta: number) => {
    const index = tabs.findIndex((t) => t.id === active?.id);
    const next = tabs[(index + delta + tabs.length) % tabs.length];
    if (next) {
      select(next.id);
      document.getElementById(`${prefix}-tab-${next.id}`)?.focus();
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist" onKeyDown={(e) => (e.key === 'ArrowRight' ? move(1) : e.key === 'ArrowLeft' ? move(-1) : undefined)}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            id={`${prefix}-tab-${tab.id}`}
            role="tab"
            type="button"
            aria-selected={tab.id === active?.id}
            aria-controls={`${prefix}-panel-${tab.id}`}
            tabIndex={tab.id === active?.id ? 0 : -1}
            onClick={() => select(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {active && (
        <div role="tabpanel" id={`${prefix}-panel-${active.id}`} aria-labelledby={`${prefix}-tab-${active.id}`} className="tabpanel">
          {active.render()}
        </div>
      )}
    </div>
  );
}
