import { lazy, Suspense, type KeyboardEvent } from 'react';

export interface EditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** The accessible name, e.g. "Tests". */
  label: string;
  language: 'javascript' | 'json' | 'text';
  readOnly?: boolean;
  minHeight?: string;
  /** Problems to mark at their line (1-based line and column), e.g. a failed deploy. */
  diagnostics?: { line: number; column: number; message: string }[];
  /** Marks {{variables}} and shows their value on hover: the value a name stands for, or undefined. */
  variables?: (name: string) => string | undefined;
  /** The id of a note about the content (e.g. undefined variables), for screen readers. */
  describedBy?: string;
}

/** Ctrl/Cmd+Enter sends (the page listens for it): it must not also add a line to the text. */
function keepCtrlEnterForSend(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.preventDefault();
}

const CodeMirrorEditor = lazy(() => import('./CodeMirror.tsx'));

/** Editors load with their own chunk, so the first page stays small; a textarea stands in meanwhile. */
export function CodeEditor(props: EditorProps) {
  const fallback = (
    <textarea className="code-fallback" style={props.minHeight ? { minHeight: props.minHeight } : undefined} aria-label={props.label} aria-describedby={props.describedBy} value={props.value} readOnly={props.readOnly} onChange={(e) => props.onChange?.(e.target.value)} onKeyDown={keepCtrlEnterForSend} spellCheck={false} />
  );
  return <Suspense fallback={fallback}>{props.language === 'text' ? fallback : <CodeMirrorEditor {...props} />}</Suspense>;
}
