import { autocompletion, closeBrackets } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { bracketMatching, ensureSyntaxTree, foldGutter, syntaxTree, foldKeymap, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'react';
import type { EditorProps } from './CodeEditor.tsx';
import { variableMarks, variablesChanged } from './variable-marks.ts';

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-number)' },
  { tag: tags.propertyName, color: 'var(--syntax-property)' },
  { tag: tags.comment, color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--syntax-function)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--editor-bg)', color: 'var(--text)', fontSize: '13px', border: '1px solid var(--border)', borderRadius: '6px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', border: 'none' },
  '&.cm-focused': { outline: '2px solid var(--focus)' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
});

/**
 * Problems only running the code can show (a deploy's load errors), given as `diagnostics`. They
 * move with the edits, as the text under them moves, until the next set replaces them.
 */
const setGiven = StateEffect.define<Diagnostic[]>();
const given = StateField.define<Diagnostic[]>({
  create: () => [],
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setGiven)) return effect.value;
    if (!tr.docChanged || value.length === 0) return value;
    return value.map((d) => ({ ...d, from: tr.changes.mapPos(d.from), to: tr.changes.mapPos(d.to) }));
  },
});

/**
 * Syntax errors marked while typing, from the parse CodeMirror already makes (its error nodes):
 * no eval, which the page's CSP forbids. The given diagnostics are kept beside them.
 */
const syntaxErrors = [
  given,
  linter(
    (view) => {
      const found: Diagnostic[] = [];
      // A busy machine may not finish the parse in time: then whatever is parsed so far is checked.
      const tree = ensureSyntaxTree(view.state, view.state.doc.length, 1000) ?? syntaxTree(view.state);
      tree.cursor().iterate((node) => {
        if (!node.type.isError || found.length >= 20) return;
        const from = Math.min(node.from, view.state.doc.length);
        found.push({ from, to: Math.min(Math.max(node.to, from + 1), view.state.doc.length), severity: 'error', message: 'JavaScript cannot read the code here: check the brackets, quotes and commas around it.' });
      });
      return [...view.state.field(given), ...found];
    },
    { delay: 600, needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(setGiven))) },
  ),
];

/** An editable editor also points at the page's note on leaving it (Tab indents: Escape, then Tab). */
function describedByOf(describedBy: string | undefined, editable: boolean): Record<string, string> {
  const ids = [describedBy, editable ? 'editor-keys-help' : undefined].filter(Boolean);
  return ids.length > 0 ? { 'aria-describedby': ids.join(' ') } : {};
}

/** CodeMirror 6, loaded on demand; the contenteditable carries the accessible name. */
export default function CodeMirrorEditor({ value, onChange, label, language, readOnly, minHeight, diagnostics, variables, describedBy }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const latest = useRef(onChange);
  latest.current = onChange;
  const lookup = useRef(variables);
  lookup.current = variables;
  const marksVariables = variables !== undefined;

  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        lineNumbers(),
        lintGutter(),
        foldGutter(),
        history(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        syntaxHighlighting(highlight),
        language === 'json' ? json() : language === 'javascript' ? javascript() : [],
        language === 'javascript' && !readOnly ? syntaxErrors : [],
        // Ctrl+Enter sends (or runs) everywhere in the lab; the default keymap would also insert a
        // line. Claiming it here stops that, and the key still reaches the page's own handler.
        keymap.of([{ key: 'Mod-Enter', run: () => true }, indentWithTab, ...defaultKeymap, ...historyKeymap, ...foldKeymap]),
        EditorView.lineWrapping,
        marksVariables ? variableMarks(() => lookup.current) : [],
        EditorView.contentAttributes.of({ 'aria-label': label, ...describedByOf(describedBy, !readOnly) }),
        EditorState.readOnly.of(Boolean(readOnly)),
        EditorView.editable.of(!readOnly),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current?.(update.state.doc.toString());
        }),
        theme,
        EditorView.theme({ '.cm-scroller': { minHeight: minHeight ?? '6rem', maxHeight: '60vh' } }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => view.current?.destroy();
    // The editor is created once per mount; later value changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly, label, marksVariables]);

  // The variables may change without the text (another environment): redraw the marks.
  useEffect(() => {
    view.current?.dispatch({ effects: variablesChanged.of(null) });
  }, [variables]);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const doc = current.state.doc;
    const marks = (diagnostics ?? [])
      .filter((d) => d.line >= 1 && d.line <= doc.lines)
      .map((d) => {
        const line = doc.line(d.line);
        const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
        return { from, to: Math.max(from, line.to), severity: 'error' as const, message: d.message };
      });
    current.dispatch(setDiagnostics(current.state, marks));
    if (current.state.field(given, false) !== undefined) current.dispatch({ effects: setGiven.of(marks) });
    // Set when the diagnostics change, not when the text does: CodeMirror moves them with the edits
    // (set again from line numbers, they stayed on a line that typing had moved).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [diagnostics]);

  return <div ref={host} className="code-editor" />;
}
