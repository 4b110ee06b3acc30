// The query page: runs queries against this server only (same origin) and shows the answer as
// a table right under the editor. Every value is inserted as text, never as markup. The page's
// words come from its <template id="messages">, in the page's language.
"use strict";

const BASE = "https://w3id.org/citynet/";
const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
// Downloads that fit each form of query: SELECT and ASK answers are tables, CONSTRUCT and
// DESCRIBE answers are graphs.
const DOWNLOADS = {
  SELECT: ["csv", "tsv", "json", "xml"],
  ASK: ["json", "xml"],
  GRAPH: ["turtle", "ntriples", "jsonld", "rdfxml"],
};
const $ = (id) => document.getElementById(id);
let storedQueries = [];
let editor = null; // CodeMirror over the textarea, where its script loaded

function queryText() {
  return editor ? editor.getValue() : $("query").value;
}

function setQueryText(text) {
  if (editor) editor.setValue(text);
  else $("query").value = text;
}

function enhance() {
  // CodeMirror's SPARQL mode highlights the query; the textarea stays the form's field (and the
  // page's editor where the script is missing). No spell-checking, as on the textarea.
  if (typeof CodeMirror === "undefined") return;
  const textarea = $("query");
  editor = CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", inputStyle: "contenteditable", spellcheck: false,
    autocorrect: false, autocapitalize: false, lineWrapping: true, indentUnit: 2,
    screenReaderLabel: document.querySelector("label[for=query]").textContent,
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, Tab: false, "Shift-Tab": false },
  });
  // The label still leads to the editor.
  document.querySelector("label[for=query]").addEventListener("click", () => editor.focus());
}

function word(key) {
  const node = $("messages").content.querySelector(`[data-key="${key}"]`);
  return node ? node.textContent : key;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function pagePrefix() {
  // German pages live under /de/: links to our own IRIs stay in the page's language.
  return document.documentElement.lang === "de" ? "/de/" : "/";
}

function localHref(iri) {
  if (iri.startsWith(BASE + "id/") || iri.startsWith(BASE + "def")) return pagePrefix() + iri.slice(BASE.length);
  return /^https?:\/\//.test(iri) ? iri : null;
}

function cell(term) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    const href = localHref(term.value);
    td.appendChild(href ? el("a", term.value, { href }) : el("span", term.value));
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else if (term.type === "triple") {
    td.textContent = JSON.stringify(term.value);
  } else {
    td.appendChild(el("span", term.value, term["xml:lang"] ? { lang: term["xml:lang"] } : {}));
    if (term["xml:lang"]) td.appendChild(el("small", " @" + term["xml:lang"]));
  }
  return td;
}

function showTable(data) {
  const result = $("result");
  if (typeof data.boolean === "boolean") {
    result.replaceChildren(el("p", word(data.boolean ? "yes" : "no"), { class: "boolean" }));
    return { count: 1, form: "ASK" };
  }
  const vars = data.head.vars || [];
  const table = el("table", null, { class: "answer-table" });
  table.appendChild(el("caption", word("caption")));
  const head = el("tr");
  vars.forEach((v) => head.appendChild(el("th", v, { scope: "col" })));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  for (const row of data.results.bindings) {
    const tr = el("tr");
    vars.forEach((v) => tr.appendChild(cell(row[v])));
    body.appendChild(tr);
  }
  result.replaceChildren(table);
  return { count: data.results.bindings.length, form: "SELECT" };
}

async function show(response, started) {
  const type = response.headers.get("Content-Type") || "";
  const text = await response.text();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const status = $("status");
  if (!response.ok) {
    status.textContent = `${word("error")} ${response.status} (${seconds} s)`;
    status.className = "error";
    $("result").replaceChildren(el("pre", text, { class: "error" }));
    return null;
  }
  let shown;
  if (type.includes("json")) {
    shown = showTable(JSON.parse(text));
  } else {
    $("result").replaceChildren(el("pre", text));
    const count = text.split("\n").filter((l) => l.trim() && !/^(@prefix|PREFIX|#)/i.test(l)).length;
    shown = { count, form: "GRAPH" };
  }
  const unit = shown.form === "GRAPH" ? word("triples") : word(shown.count === 1 ? "row" : "rows");
  let message = `${shown.count} ${unit} ${word("in")} ${seconds} s`;
  if (response.headers.get("Citynet-Truncated")) {
    message += ` — ${word("cut")} ${response.headers.get("Citynet-Row-Limit")}`;
  }
  status.textContent = message;
  status.className = "";
  return shown;
}

function offerDownloads(form, address, params) {
  const downloads = $("downloads");
  downloads.replaceChildren(document.createTextNode(word("download") + " "));
  for (const format of DOWNLOADS[form]) {
    const query = new URLSearchParams(params);
    query.set("format", format);
    downloads.appendChild(el("a", format, { href: `${address}?${query}`, download: "" }));
    downloads.appendChild(document.createTextNode(" "));
  }
  if (form === "SELECT" && params.has("query")) {
    // SPARQL CSV carries every value unchanged; this one defuses formulas for spreadsheets.
    downloads.appendChild(el("a", word("sheet"), {
      href: "/query/spreadsheet.csv?" + new URLSearchParams({ query: params.get("query") }),
      title: word("sheet-title"),
    }));
  }
  downloads.hidden = false;
}

function share(params) {
  // The page's own address names the query: reload it, bookmark it or send it on.
  const url = `${window.location.pathname}?${params}`;
  window.history.replaceState(null, "", url);
  const link = $("share");
  link.href = url;
  link.hidden = false;
}

async function run() {
  const query = queryText();
  const chosen = storedQueries.find((q) => q.name === $("stored").value);
  const stored = chosen && chosen.sparql === query ? chosen : null;
  $("status").textContent = word("running");
  $("status").className = "";
  const started = performance.now();
  let response;
  let address;
  const params = new URLSearchParams();
  try {
    if (stored) {
      for (const input of $("params-fields").querySelectorAll("input")) {
        if (input.value.trim()) params.set(input.name, input.value.trim());
      }
      address = `/queries/${encodeURIComponent(stored.name)}`;
      response = await fetch(address + "?" + params, { headers: { Accept: ACCEPT } });
    } else {
      address = "/sparql";
      params.set("query", query);
      response = await fetch(address, {
        method: "POST", body: query,
        headers: { "Content-Type": "application/sparql-query", Accept: ACCEPT },
      });
    }
  } catch (error) {
    $("status").textContent = `${word("failed")} ${error}`;
    return;
  }
  const shown = await show(response, started);
  const shared = new URLSearchParams(params);
  if (stored) shared.set("stored", stored.name);
  share(shared);
  if (shown) offerDownloads(shown.form, address, params);
  else $("downloads").hidden = true;
}

function choose(name, values) {
  const query = storedQueries.find((q) => q.name === name);
  const form = $("params");
  const fields = $("params-fields");
  fields.replaceChildren();
  if (!query) {
    form.hidden = true;
    return;
  }
  setQueryText(query.sparql);
  $("params-summary").textContent = query.summary;
  for (const p of query.parameters) {
    const id = "param-" + p.name;
    const label = el("label", `${p.name} (${p.type}${p.required ? ", " + word("required") : ""})`, { for: id });
    const input = el("input", null, { name: p.name, id, type: "text", spellcheck: "false" });
    const given = values && values.get(p.name);
    input.value = given !== null && given !== undefined ? given
      : (p.example !== null && p.example !== undefined ? String(p.example) : "");
    if (p.description) input.title = p.description;
    fields.appendChild(label);
    fields.appendChild(input);
  }
  form.hidden = false;
}

async function loadStored() {
  try {
    const response = await fetch("/queries", { headers: { Accept: "application/json" } });
    storedQueries = await response.json();
  } catch (error) {
    $("status").textContent = `${word("failed")} ${error}`;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  enhance();
  $("run").addEventListener("click", run);
  $("params").addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
  });
  $("stored").addEventListener("change", () => choose($("stored").value));
  await loadStored();
  // A link to /query?query=… or /query?stored=name&param=… opens with that query and runs it.
  const shared = new URLSearchParams(window.location.search);
  if (shared.get("stored")) {
    $("stored").value = shared.get("stored");
    choose(shared.get("stored"), shared);
    run();
  } else if (shared.get("query")) {
    setQueryText(shared.get("query"));
    run();
  }
});
