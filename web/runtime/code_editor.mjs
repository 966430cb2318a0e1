/**
 * The code editor of "Write it yourself" (main thread): CodeMirror 6, the copy PyScript
 * ships for its py-editor (codemirror.mjs, written by the build, names its packages).
 *
 * A teaching editor: Python highlighting, line numbers, undo and redo, Python indentation
 * (four spaces, a new line indented after a colon, Tab and Shift-Tab indent and dedent; Esc
 * then Tab leaves the editor). No completion pop-ups and no automatic closing brackets, so
 * what a student types is what the editor holds. The page (web/page/exercises_panel.py)
 * keeps no CodeMirror object: it calls the few functions of the object returned here.
 */
import { commands, language, python, state, view } from "./codemirror.mjs";

const { EditorView, Decoration, keymap } = view;
const { EditorState, StateEffect, StateField } = state;

/** The line an error points at (its start), marked until the next check; null clears it. */
const markLine = StateEffect.define();
const errorLine = Decoration.line({ class: "cm-error-line" });
const marks = StateField.define({
  create: () => Decoration.none,
  update(value, transaction) {
    let marked = value.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(markLine)) {
        marked =
          effect.value === null ? Decoration.none : Decoration.set([errorLine.range(effect.value)]);
      }
    }
    return marked;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function extensions({ labelledBy, describedBy, onChange }) {
  return [
    view.lineNumbers(),
    view.highlightActiveLineGutter(),
    view.highlightSpecialChars(),
    view.drawSelection(),
    view.highlightActiveLine(),
    commands.history(),
    language.indentUnit.of("    "),
    language.indentOnInput(),
    language.bracketMatching(),
    language.syntaxHighlighting(language.defaultHighlightStyle, { fallback: true }),
    python.python(),
    EditorState.tabSize.of(4),
    keymap.of([...commands.defaultKeymap, ...commands.historyKeymap, commands.indentWithTab]),
    EditorView.contentAttributes.of({
      "aria-labelledby": labelledBy,
      "aria-describedby": describedBy,
      spellcheck: "false",
      autocapitalize: "off",
      autocorrect: "off",
    }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange();
    }),
    marks,
  ];
}

/**
 * An editor in ``parent``; ``options``: ``labelledBy`` and ``describedBy`` (element ids),
 * ``onChange()`` (called after every change of the text).
 */
export function createEditor(parent, options) {
  const setup = extensions(options);
  const editor = new EditorView({ parent, state: EditorState.create({ doc: "", extensions: setup }) });
  return {
    /** The text as it stands. */
    text: () => editor.state.doc.toString(),
    /** Show another exercise's text, with an undo history of its own. */
    load(doc) {
      editor.setState(EditorState.create({ doc, extensions: setup }));
    },
    /** Replace the whole text as one edit the student can undo (Reset, Import). */
    replace(doc) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: doc } });
    },
    /** Mark line ``number`` (1-based; 0 clears the mark); ``go`` also moves there. */
    markLine(number, go) {
      const lines = editor.state.doc.lines;
      if (!number || number > lines) {
        editor.dispatch({ effects: markLine.of(null) });
        return;
      }
      const line = editor.state.doc.line(number);
      const move = go ? { selection: { anchor: line.from }, scrollIntoView: true } : {};
      editor.dispatch({ effects: markLine.of(line.from), ...move });
      if (go) editor.focus();
    },
  };
}
