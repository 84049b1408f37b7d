import { RangeSetBuilder, StateEffect } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, hoverTooltip, ViewPlugin, type ViewUpdate } from '@codemirror/view';

/** The value a {{name}} stands for now, or undefined when nothing defines it. */
export type VariableLookup = (name: string) => string | undefined;

/** Dispatched when the variables changed but the text did not (another environment was chosen). */
export const variablesChanged = StateEffect.define<null>();

/** Postman's pattern, as in scripting/variables.ts. */
const REFERENCE = /\{\{([^{}]*?)\}\}/g;

const known = Decoration.mark({ class: 'cm-var' });
const unknown = Decoration.mark({ class: 'cm-var-unknown', attributes: { title: 'Not defined' } });

const theme = EditorView.baseTheme({
  '.cm-var': { color: 'var(--accent)' },
  '.cm-var-unknown': { color: 'var(--bad)', textDecoration: 'underline wavy var(--bad)' },
  '.cm-var-tooltip': { padding: '0.2rem 0.45rem', fontFamily: 'var(--mono)', fontSize: '12px', maxWidth: '40rem', overflowWrap: 'anywhere' },
});

/**
 * {{variables}} in an editor: coloured when defined, underlined in red when not, and on hover
 * what they stand for. The lookup is read on every update, so it may change between renders.
 */
export function variableMarks(lookup: () => VariableLookup | undefined) {
  const build = (view: EditorView): DecorationSet => {
    const find = lookup();
    if (!find) return Decoration.none;
    const builder = new RangeSetBuilder<Decoration>();
    for (const { from, to } of view.visibleRanges) {
      for (const match of view.state.sliceDoc(from, to).matchAll(REFERENCE)) {
        const start = from + match.index;
        builder.add(start, start + match[0].length, find(match[1]!) === undefined ? unknown : known);
      }
    }
    return builder.finish();
  };

  const marks = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(update: ViewUpdate) {
        this.decorations = build(update.view);
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );

  const tooltip = hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos);
    for (const match of line.text.matchAll(REFERENCE)) {
      const start = line.from + match.index;
      const end = start + match[0].length;
      if (pos < start || pos > end) continue;
      const name = match[1]!;
      const value = lookup()?.(name);
      return {
        pos: start,
        end,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'cm-var-tooltip';
          dom.textContent = value === undefined ? `{{${name}}} is not defined: it is sent as typed unless a pre-request script sets it.` : `${name} = ${value}`;
          return { dom };
        },
      };
    }
    return null;
  });

  return [marks, tooltip, theme];
}
