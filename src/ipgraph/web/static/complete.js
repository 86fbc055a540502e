// Completion for the SPARQL editor: the ontology's classes and properties by prefixed name (or by
// their English or Chinese label), and the graph's resources by label, which insert their IRI.
let data = null;

async function load() {
  if (!data) data = await (await fetch("/completions.json")).json();
  return data;
}

export function completionSource() {
  return async (context) => {
    const word = context.matchBefore(/[\p{L}\p{N}_:-]+/u);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const { terms, labels } = await load();
    const typed = word.text.toLowerCase();
    const options = terms.map((t) => ({
      label: t.name,
      type: t.kind === "class" ? "class" : "property",
      detail: [t.en, t.zh].filter(Boolean).join(" · "),
    }));
    if (typed.length >= 1 && !typed.includes(":")) {
      for (const l of labels) {
        if (l.label.toLowerCase().includes(typed)) {
          options.push({ label: l.label, apply: `<${l.iri}>`, type: "variable", detail: l.iri.replace("https://w3id.org/ipgraph/id/", "id:") });
          if (options.length > terms.length + 200) break;
        }
      }
    }
    return { from: word.from, options, filter: true };
  };
}
