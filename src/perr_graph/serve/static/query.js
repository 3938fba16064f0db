// The query page of perr serve: YASGUI (vendored, same origin) with the query library as examples, parameter pick
// lists filled from the data, links to the dataset's resources served here, and a chart view of the results.
// Nothing is fetched from the web: every request goes to this server (the page's Content-Security-Policy says so).
"use strict";
(function () {
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const library = JSON.parse(document.getElementById("library-data").textContent);
  const byName = new Map(library.map((q) => [q.name, q]));
  const endpoint = location.origin + "/sparql";
  const ID = "https://w3id.org/perr-graph/id/";
  const PREFIXES = {
    id: ID,
    perr: "https://w3id.org/perr-graph/ontology#",
    concept: "https://w3id.org/perr-graph/concept/",
    graph: "https://w3id.org/perr-graph/graph/",
    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    skos: "http://www.w3.org/2004/02/skos/core#",
    xsd: "http://www.w3.org/2001/XMLSchema#",
  };

  // -- a chart view of the results: bars of a numeric column by a label column (inline SVG, no library) -------
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  function shortIri(v) {
    for (const [p, ns] of Object.entries(PREFIXES)) if (v.startsWith(ns)) return p + ":" + v.slice(ns.length);
    return v;
  }
  function numericColumns(results) {
    const rows = results.getBindings();
    return results.getVariables().filter((v) => {
      const cells = rows.map((r) => r[v]).filter(Boolean);
      return cells.length > 0 && cells.every((c) => c.type !== "uri" && NUMERIC.test(c.datatype || "") && isFinite(+c.value));
    });
  }
  class Chart {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = strings.chart;
      this.state = {};
    }
    canHandleResults() {
      const r = this.yasr.results;
      return !!(r && r.getBindings && r.getType && r.getType() === "json" && r.getVariables().length);
    }
    getIcon() {
      const icon = document.createElement("div");
      icon.textContent = "▮▮";
      return icon;
    }
    draw() {
      const results = this.yasr.results;
      const root = document.createElement("div");
      root.className = "perr-chart";
      this.yasr.resultsEl.appendChild(root);
      const numbers = numericColumns(results);
      if (!numbers.length) {
        root.textContent = strings.chart_none;
        return;
      }
      const labels = results.getVariables().filter((v) => !numbers.includes(v));
      const controls = document.createElement("div");
      controls.className = "controls";
      const pick = (name, options, chosen) => {
        const label = document.createElement("label");
        label.textContent = strings["chart_" + name] + " ";
        const select = document.createElement("select");
        select.name = name;
        for (const o of options) select.add(new Option(o, o, false, o === chosen));
        label.appendChild(select);
        controls.appendChild(label);
        return select;
      };
      const labelSelect = pick("label", labels.length ? labels : numbers, this.state.label || labels[0] || numbers[0]);
      const valueSelect = pick("value", numbers, this.state.value || numbers[0]);
      root.appendChild(controls);
      const holder = document.createElement("div");
      root.appendChild(holder);
      const render = () => {
        this.state = { label: labelSelect.value, value: valueSelect.value };
        holder.replaceChildren(bars(results.getBindings(), labelSelect.value, valueSelect.value));
      };
      labelSelect.onchange = valueSelect.onchange = render;
      render();
    }
  }
  function bars(rows, labelVar, valueVar) {
    const NS = "http://www.w3.org/2000/svg";
    const data = rows.slice(0, 200).map((r) => ({
      label: r[labelVar] ? (r[labelVar].type === "uri" ? shortIri(r[labelVar].value) : r[labelVar].value) : "",
      value: r[valueVar] ? +r[valueVar].value : 0,
    }));
    const max = Math.max(1e-9, ...data.map((d) => Math.abs(d.value)));
    const left = 260, width = 520, row = 18;
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("width", left + width + 80);
    svg.setAttribute("height", data.length * row + 10);
    svg.setAttribute("role", "img");
    data.forEach((d, i) => {
      const y = 5 + i * row;
      const text = document.createElementNS(NS, "text");
      text.setAttribute("x", left - 6);
      text.setAttribute("y", y + 12);
      text.setAttribute("text-anchor", "end");
      text.textContent = d.label.length > 40 ? d.label.slice(0, 39) + "…" : d.label;
      const title = document.createElementNS(NS, "title");
      title.textContent = d.label + " : " + d.value;
      const rect = document.createElementNS(NS, "rect");
      rect.setAttribute("x", left);
      rect.setAttribute("y", y + 2);
      rect.setAttribute("height", row - 5);
      rect.setAttribute("width", Math.max(1, (Math.abs(d.value) / max) * width));
      rect.appendChild(title);
      const value = document.createElementNS(NS, "text");
      value.setAttribute("x", left + (Math.abs(d.value) / max) * width + 4);
      value.setAttribute("y", y + 12);
      value.textContent = String(d.value);
      svg.append(text, rect, value);
    });
    return svg;
  }
  Yasgui.Yasr.registerPlugin("chart", Chart);
  // YASR's own views, named in the page's language
  for (const [name, label] of [["table", strings.table], ["response", strings.response]]) {
    const Base = Yasgui.Yasr.plugins[name];
    if (Base) {
      Yasgui.Yasr.registerPlugin(
        name,
        class extends Base {
          constructor(yasr) {
            super(yasr);
            this.label = label;
          }
        }
      );
    }
  }

  // -- YASGUI's own words in the page's language (its bundle has no message catalogue) -------------------------
  // the result table's through DataTables' language options; the controls' where YASGUI writes them (text,
  // title, placeholder, aria-label), exact words only, never inside the results or the editor
  const tablePlugin = Yasgui.Yasr.plugins.table;
  if (tablePlugin && tablePlugin.defaults && tablePlugin.defaults.tableConfig) {
    const config = tablePlugin.defaults.tableConfig;
    config.language = { ...(config.language || {}), ...strings.table_words };
  }
  const words = new Map(Object.entries(strings.ui || {}));
  const ATTRIBUTES = ["title", "placeholder", "aria-label"];
  const DATA = "table.dataTable tbody, .CodeMirror-lines, .CodeMirror-measure, .CodeMirror-hints, .yasr_response, pre";
  // YASGUI's line above the results: "12 results in 0.5 seconds", "1 result", "Response in 2 seconds"
  const ANSWER = /^(?:(\d+) results?|Response)(?: in ([\d.]+) seconds?)?$/;
  function answerLine(text) {
    const m = ANSWER.exec(text);
    if (!m) return null;
    let out = m[1] === undefined ? strings.response : (m[1] === "1" ? strings.answer_one : strings.answer_many).replace("{rows}", m[1]);
    if (m[2] !== undefined) {
      const seconds = Number(m[2]).toLocaleString(document.documentElement.lang);
      out = strings.answer_time.replace("{answer}", out).replace("{seconds}", seconds);
    }
    return out;
  }
  function translateText(node) {
    const text = node.nodeValue.trim();
    if (!text || (node.parentElement && node.parentElement.closest(DATA))) return;
    const found = words.has(text) ? words.get(text) : answerLine(text);
    if (found !== null && found !== text) node.nodeValue = node.nodeValue.replace(text, found);
  }
  function translateElement(el) {
    if (el.closest(DATA)) return;
    for (const name of ATTRIBUTES) {
      const value = (el.getAttribute(name) || "").trim();
      if (words.has(value)) el.setAttribute(name, words.get(value));
    }
    for (const child of el.childNodes) if (child.nodeType === Node.TEXT_NODE) translateText(child);
  }
  function translateTree(node) {
    if (node.nodeType === Node.TEXT_NODE) return translateText(node);
    if (node.nodeType !== Node.ELEMENT_NODE || node.closest(DATA)) return;
    translateElement(node);
    for (const el of node.querySelectorAll("*")) translateElement(el);
  }
  const yasguiRoot = document.getElementById("yasgui");
  if (words.size) {
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") translateElement(r.target);
        else if (r.type === "characterData") translateText(r.target);
        else r.addedNodes.forEach(translateTree);
      }
    }).observe(yasguiRoot, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  }

  // -- YASGUI on this server's endpoint; no completion service from the web -------------------------------------
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  // the first tab's example: the default graph is the union of the named graphs, no GRAPH needed
  Yasgui.defaults.yasqe.value = [
    "PREFIX perr: <" + PREFIXES.perr + ">",
    "",
    "SELECT ?commitment ?text WHERE {",
    "  ?commitment a perr:Commitment ; perr:text ?text .",
    "}",
    "LIMIT 20",
  ].join("\n");
  Yasgui.defaults.endpointCatalogueOptions.getData = () => [{ endpoint: endpoint }];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    tabName: strings.query,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    persistenceId: null,
    // a shared link opens on this server, whatever address it was made on
    populateFromUrl: (config) => {
      config.requestConfig = { ...config.requestConfig, endpoint: endpoint };
      return config;
    },
    yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true, editorHeight: "260px" },
    yasr: { prefixes: PREFIXES, pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" },
  });
  window.perrYasgui = yasgui;

  // IRIs of the dataset open their page on this server (not on the web)
  document.getElementById("yasgui").addEventListener("click", (event) => {
    const a = event.target.closest && event.target.closest("a.iri");
    const base = "https://w3id.org/perr-graph/";
    if (a && (a.href.startsWith(base + "id/") || a.href.startsWith(base + "concept/"))) {
      event.preventDefault();
      window.open("/" + a.href.slice(base.length), "_blank", "noopener");
    }
  });

  // -- the library ---------------------------------------------------------------------------------------------
  const question = document.getElementById("question");
  const params = document.getElementById("params");
  const choices = new Map(); // query name -> {param: [[value, label], …]}

  async function ask(text) {
    const body = new URLSearchParams({ query: text });
    const r = await fetch(endpoint, {
      method: "POST",
      body,
      headers: { Accept: "application/sparql-results+json" },
    });
    if (!r.ok) throw new Error((await r.text()).trim());
    return r.json();
  }
  const LABELS = ["http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
                  "http://purl.org/dc/terms/title"];
  async function label(maps) {
    // the labels of the IRIs a column gave without its `<name>_label` (the default graph is every graph)
    const lang = document.documentElement.lang;
    const bare = [...new Set(maps.flatMap((m) => [...m.entries()].filter(([v, l]) => l === shortIri(v)).map(([v]) => v)))];
    for (let i = 0; i < bare.length; i += 500) {
      const values = bare.slice(i, i + 500).map((v) => "<" + v + ">").join(" ");
      const data = await ask(
        "SELECT ?x ?p ?l WHERE { VALUES ?x { " + values + " } VALUES ?p { " + LABELS.map((p) => "<" + p + ">").join(" ") +
          ' } ?x ?p ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "' + lang + '")) }'
      );
      const best = new Map();
      for (const b of data.results.bindings) {
        const rank = LABELS.indexOf(b.p.value);
        const seen = best.get(b.x.value);
        if (!seen || rank < seen[0]) best.set(b.x.value, [rank, b.l.value]);
      }
      for (const m of maps) for (const [v, [, l]] of best) if (m.has(v) && m.get(v) === shortIri(v)) m.set(v, l);
    }
  }
  async function choicesOf(q) {
    // the values each parameter takes in the data: the query run without it, its column (and `<name>_label`)
    if (choices.has(q.name)) return choices.get(q.name);
    const found = {};
    try {
      const data = await ask(q.text);
      for (const p of q.params) {
        const seen = new Map();
        for (const b of data.results.bindings) {
          const v = b[p.name];
          if (v && !seen.has(v.value)) {
            const l = b[p.name + "_label"];
            seen.set(v.value, l ? l.value : v.type === "uri" ? shortIri(v.value) : v.value);
          }
        }
        found[p.name] = seen;
      }
      await label(Object.values(found));
    } catch (e) {
      for (const p of q.params) found[p.name] = new Map();
    }
    for (const name of Object.keys(found)) {
      found[name] = [...found[name].entries()].sort((a, b) => a[1].localeCompare(b[1], document.documentElement.lang));
    }
    choices.set(q.name, found);
    return found;
  }
  function tabFor(q) {
    for (const id of Object.keys(yasgui._tabs)) {
      const tab = yasgui._tabs[id];
      if (tab && tab.getName() === q.tab) {
        yasgui.selectTabId(id);
        return tab;
      }
    }
    const config = Yasgui.Tab.getDefaults();
    config.name = q.tab;
    config.requestConfig = { ...config.requestConfig, endpoint: endpoint, method: "POST" };
    return yasgui.addTab(true, config);
  }
  async function bind(q, values) {
    const args = new URLSearchParams({ library: q.name });
    for (const [k, v] of Object.entries(values)) if (v) args.append("param." + k, v);
    if ([...args.keys()].length === 1) return q.text;
    const r = await fetch("/api/bind?" + args.toString());
    if (!r.ok) throw new Error((await r.text()).trim());
    return r.text();
  }
  async function open(name, values, run) {
    const q = byName.get(name);
    if (!q) return;
    document.querySelectorAll("#library button").forEach((b) => b.classList.toggle("active", b.dataset.name === name));
    question.textContent = q.question;
    const tab = tabFor(q);
    tab.setQuery(await bind(q, values || {}));
    params.replaceChildren();
    if (q.params.length) {
      const found = await choicesOf(q);
      for (const p of q.params) {
        const label = document.createElement("label");
        label.textContent = p.name;
        label.title = p.description;
        const known = found[p.name] || [];
        // a parameter the answer holds values of is a pick list; another (reading=all, rollup=no) is typed
        const select = document.createElement(known.length ? "select" : "input");
        select.name = p.name;
        if (known.length) {
          select.add(new Option(strings.all, ""));
          for (const [value, text] of known) {
            select.add(new Option(text, value, false, (values || {})[p.name] === value));
          }
        } else {
          select.type = "text";
          select.placeholder = p.description;
          select.value = (values || {})[p.name] || "";
        }
        select.onchange = async () => {
          const chosen = {};
          params.querySelectorAll("select, input").forEach((s) => (chosen[s.name] = s.value));
          tab.setQuery(await bind(q, chosen));
          tab.query();
        };
        label.appendChild(select);
        params.appendChild(label);
      }
    }
    if (run) tab.query();
  }
  document.querySelectorAll("#library button").forEach((b) => (b.onclick = () => open(b.dataset.name, {}, true)));

  // /?library=NAME&param.NAME=VALUE&run=1 opens (and runs) a library query: a link to share
  const url = new URLSearchParams(location.search);
  if (url.get("library")) {
    const values = {};
    for (const [k, v] of url.entries()) if (k.startsWith("param.")) values[k.slice(6)] = v;
    open(url.get("library"), values, url.get("run") === "1");
  }
  document.body.dataset.ready = "1";
})();
