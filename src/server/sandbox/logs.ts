import type { LogLine } from './types.ts';

const LINES_PER_WORKSPACE = 500;
const WORKSPACES_KEPT = 2000;

/**
 * Recent console output per workspace, and live listeners for the SSE stream. Bounded in both
 * directions: lines per workspace, and workspaces (the least recently written is forgotten).
 */
export class WorkspaceLogs {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly listeners = new Map<string, Set<(line: LogLine) => void>>();

  append(line: LogLine) {
    const list = this.lines.get(line.workspaceId) ?? [];
    this.lines.delete(line.workspaceId);
    list.push(line);
    if (list.length > LINES_PER_WORKSPACE) list.splice(0, list.length - LINES_PER_WORKSPACE);
    this.lines.set(line.workspaceId, list);
    if (this.lines.size > WORKSPACES_KEPT) this.lines.delete(this.lines.keys().next().value!);
    for (const listener of this.listeners.get(line.workspaceId) ?? []) listener(line);
  }

  recent(workspaceId: string, limit = LINES_PER_WORKSPACE): LogLine[] {
    return (this.lines.get(workspaceId) ?? []).slice(-limit);
  }

  clear(workspaceId: string) {
    this.lines.delete(workspaceId);
  }

  subscribe(workspaceId: string, listener: (line: LogLine) => void): () => void {
    const set = this.listeners.get(workspaceId) ?? new Set();
    set.add(listener);
    this.listeners.set(workspaceId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(workspaceId);
    };
  }
}
