// Browser side of hamilton_nb's DAG explorer (an anywidget ES module).
// Vanilla DOM, no network resources. All decisions (details, search, view modes, runs) are
// made in Python; this file draws the model and toggles CSS classes on the SVG's shapes.

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(label, title, onClick) {
  const node = make("button", "hnb-button", label);
  node.type = "button";
  node.title = title;
  node.addEventListener("click", onClick);
  return node;
}

const MODES = [
  ["all", "All", "show the whole DAG"],
  ["upstream", "Upstream", "show only what the selected node depends on"],
  ["downstream", "Downstream", "show only what depends on the selected node"],
];
const MAX_LISTED = 60;

function render({ model, el }) {
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const root = make("div", "hnb-explorer");
  const toolbar = make("div", "hnb-toolbar");
  const search = make("input", "hnb-search");
  search.type = "search";
  search.placeholder = "filter: name, kind or tag=value";
  search.value = model.get("query");
  search.addEventListener("input", () => set("query", search.value));
  const modeButtons = {};
  for (const [mode, label, title] of MODES) {
    modeButtons[mode] = button(label, title, () => set("view_mode", mode));
  }
  const runNode = button("Run node", "compute the selected node and what it needs", () =>
    model.send({ action: "run", node: model.get("selected") }),
  );
  const runOutputs = button("Run outputs", "compute the explorer's outputs", () =>
    model.send({ action: "run_outputs" }),
  );
  const fit = button("Fit", "fit the picture to the width / show it at full size", () =>
    root.classList.toggle("hnb-full-size"),
  );
  const message = make("span", "hnb-message");
  toolbar.append(search, ...Object.values(modeButtons), runNode, runOutputs, fit, message);
  const list = make("div", "hnb-list");
  const body = make("div", "hnb-body");
  const graph = make("div", "hnb-graph");
  const panel = make("div", "hnb-panel");
  body.append(graph, panel);
  root.append(toolbar, list, body);
  el.appendChild(root);

  let shapes = new Map(); // element id -> <g class="node">
  let edges = []; // [<g class="edge">, source id, target id]
  let hovered = null;

  function drawGraph() {
    const svg = model.get("svg");
    graph.replaceChildren();
    if (svg) {
      graph.innerHTML = svg;
    } else if (model.get("dot_source")) {
      graph.append(make("pre", "hnb-dot", model.get("dot_source")));
    }
    shapes = new Map();
    edges = [];
    // ids move to data attributes: two explorers of one DAG must not share DOM ids
    for (const g of graph.querySelectorAll("g.node[id]")) {
      g.dataset.hnbId = g.getAttribute("id");
      g.removeAttribute("id");
      shapes.set(g.dataset.hnbId, g);
    }
    for (const g of graph.querySelectorAll("g.edge[id]")) {
      const id = g.getAttribute("id");
      const arrow = id.indexOf("->");
      g.removeAttribute("id");
      if (arrow > 0) edges.push([g, id.slice(0, arrow), id.slice(arrow + 2)]);
    }
    hovered = null;
    paint();
    drawList();
  }

  function paint() {
    const dimmed = new Set(model.get("dimmed"));
    const chosen = model.get("nodes")[model.get("selected")];
    const chosenElement = chosen ? chosen.element : null;
    for (const [id, g] of shapes) {
      g.classList.toggle("hnb-dim", dimmed.has(id));
      g.classList.toggle("hnb-selected", id === chosenElement);
    }
    for (const [g, source, target] of edges) {
      g.classList.toggle("hnb-dim", dimmed.has(source) || dimmed.has(target));
    }
    highlight(hovered);
  }

  // the lists are transitive for small graphs and direct links for large ones: walk them
  function reach(elements, start, key) {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      for (const next of (elements[stack.pop()] || {})[key] || []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  }

  function highlight(id) {
    const elements = model.get("elements");
    const links = id ? elements[id] : undefined;
    const up = links ? reach(elements, id, "upstream") : new Set();
    const down = links ? reach(elements, id, "downstream") : new Set();
    for (const [key, g] of shapes) {
      g.classList.toggle("hnb-hover", key === id);
      g.classList.toggle("hnb-up", key !== id && up.has(key));
      g.classList.toggle("hnb-down", key !== id && down.has(key));
    }
    for (const [g, source, target] of edges) {
      g.classList.toggle("hnb-up", up.has(source) && up.has(target));
      g.classList.toggle("hnb-down", down.has(source) && down.has(target));
    }
    root.classList.toggle("hnb-hovering", Boolean(links));
  }

  const shapeId = (event) => {
    const g = event.target.closest ? event.target.closest("g.node") : null;
    return g && graph.contains(g) ? g.dataset.hnbId || null : null;
  };
  graph.addEventListener("mouseover", (event) => {
    const id = shapeId(event);
    if (id !== hovered) {
      hovered = id;
      highlight(id);
    }
  });
  graph.addEventListener("mouseleave", () => {
    hovered = null;
    highlight(null);
  });
  graph.addEventListener("click", (event) => {
    const info = model.get("elements")[shapeId(event)];
    if (!info) return;
    if (info.nodes.length === 1) set("selected", info.nodes[0]);
    else drawList(info.nodes, `${info.nodes.length} nodes in this group`);
  });

  // clickable node names: search results, a group's members, or all nodes without a picture
  function drawList(names, caption) {
    list.replaceChildren();
    const total = Object.keys(model.get("nodes")).length;
    if (!names) {
      if (!model.get("query") && model.get("svg")) return;
      names = model.get("matches");
      caption = `${names.length} of ${total} nodes`;
    }
    list.append(make("span", "hnb-caption", caption));
    for (const name of names.slice(0, MAX_LISTED)) {
      const chip = button(name, "show this node", () => set("selected", name));
      chip.classList.add("hnb-chip");
      chip.classList.toggle("hnb-chosen", name === model.get("selected"));
      list.append(chip);
    }
    if (names.length > MAX_LISTED) list.append(make("span", "hnb-caption", "…"));
  }

  function section(title, ...content) {
    const box = make("div", "hnb-section");
    box.append(make("div", "hnb-section-title", title), ...content);
    panel.append(box);
  }

  function drawPanel() {
    const d = model.get("details");
    panel.replaceChildren();
    if (!d || !d.name) {
      panel.append(
        make("p", "hnb-hint", "Click a node for its details. Hover a node to light up " +
          "what it depends on (blue) and what depends on it (orange)."),
      );
      return;
    }
    panel.append(make("div", "hnb-name", d.name), make("div", "hnb-kind", `${d.kind} · ${d.type}`));
    section("Signature", make("code", "hnb-signature", d.signature));
    if (d.doc) section("Docstring", make("pre", "hnb-doc", d.doc));
    const origin = [d.function || d.module, d.location].filter(Boolean).join("\n");
    if (origin) section("Defined in", make("pre", "hnb-origin", origin));
    const tags = Object.entries(d.tags || {});
    if (tags.length) {
      const table = make("table", "hnb-tags");
      for (const [key, value] of tags) {
        const row = make("tr");
        row.append(make("td", null, key), make("td", null, [].concat(value).join(", ")));
        table.append(row);
      }
      section("Tags", table);
    }
    const preview = model.get("value_preview");
    const timing = model.get("timing");
    if (preview) {
      const value = make("div", "hnb-value");
      value.innerHTML = preview; // built in Python: escaped repr or the table's own HTML
      section(timing ? `Value (computed in ${timing})` : "Value", value);
    } else if (d.status) {
      const note = d.status === "computed" ? " (value not kept: press Run node to see it)" : "";
      section("Last run", make("div", "hnb-hint", `${d.status}${timing ? ` in ${timing}` : ""}${note}`));
    }
    const source = make("details", "hnb-source");
    source.append(make("summary", null, "Source"), make("pre", null, d.source));
    source.open = !String(d.source).startsWith("not available");
    panel.append(source);
  }

  function drawToolbar() {
    const busy = model.get("busy");
    const mode = model.get("view_mode");
    for (const [name, node] of Object.entries(modeButtons)) {
      node.classList.toggle("hnb-active", name === mode);
    }
    runNode.disabled = busy || !model.get("selected");
    runOutputs.disabled = busy;
    root.classList.toggle("hnb-busy", busy);
    message.textContent = model.get("message");
    message.className = `hnb-message hnb-${model.get("message_level")}`;
    if (search.value !== model.get("query")) search.value = model.get("query");
  }

  const handlers = [
    ["change:svg change:dot_source", drawGraph],
    ["change:dimmed change:selected change:nodes change:elements", paint],
    ["change:matches change:query change:selected", () => drawList()],
    ["change:details change:value_preview change:timing", drawPanel],
    ["change:busy change:view_mode change:message change:message_level change:selected " +
      "change:query", drawToolbar],
  ];
  for (const [events, handler] of handlers) {
    for (const event of events.split(" ")) model.on(event, handler);
  }
  drawGraph();
  drawPanel();
  drawToolbar();
  return () => {
    for (const [events, handler] of handlers) {
      for (const event of events.split(" ")) model.off(event, handler);
    }
  };
}

export default { render };
