// The SPARQL editor of the query page: CodeMirror 6 with SPARQL highlighting and a completion
// source given by the page. Bundled by build.sh into src/ipgraph/web/static/vendor/editor.js.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";

export function createEditor(parent, { doc, onRun, onChange, complete }) {
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      basicSetup,
      StreamLanguage.define(sparql),
      autocompletion({ override: [complete], activateOnTyping: true }),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }])),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => update.docChanged && onChange && onChange()),
    ],
  });
  return {
    view,
    get value() {
      return view.state.doc.toString();
    },
    set value(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // Put the cursor at a 1-based line and column (an error position) and show it.
    select(line, column) {
      const l = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
      const at = Math.min(l.from + Math.max(column - 1, 0), l.to);
      view.dispatch({ selection: { anchor: at, head: Math.min(at + 1, l.to) }, scrollIntoView: true });
      view.focus();
    },
  };
}
