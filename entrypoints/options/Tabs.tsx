import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface TabSpec {
  id: string;
  title: string;
  /** Drawn only while its tab is selected: a tab's store loads when it is first shown. */
  panel: () => ComponentChildren;
}

/**
 * WAI-ARIA tabs: one tab stop for the list, arrow keys, Home and End move between tabs and
 * select them (automatic activation: the panels are cheap to show).
 */
export function Tabs({ label, tabs }: { label: string; tabs: TabSpec[] }) {
  const [selected, setSelected] = useState(tabs[0]?.id ?? '');
  const list = useRef<HTMLDivElement>(null);
  // A tab that went away (an admin became a member) falls back to the first.
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0];

  const select = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length];
    if (!tab) return;
    setSelected(tab.id);
    list.current?.querySelector<HTMLElement>(`#tab-${tab.id}`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === current?.id);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(to);
  };

  return (
    <>
      <div class="tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const on = tab.id === current?.id;
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={on ? 'true' : 'false'}
              aria-controls={`panel-${tab.id}`}
              tabIndex={on ? 0 : -1}
              onClick={() => setSelected(tab.id)}
            >
              {tab.title}
            </button>
          );
        })}
      </div>
      {current && (
        <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`} tabIndex={0}>
          {current.panel()}
        </div>
      )}
    </>
  );
}
