// The query page: runs queries against this server only (same origin), and shows the
// answers as a table. Every value is inserted as text, never as markup.
"use strict";

const BASE = "https://w3id.org/citynet/";
const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function localHref(iri) {
  // Our own IRIs are served here; others are plain links.
  if (iri.startsWith(BASE + "id/") || iri.startsWith(BASE + "def")) return "/" + iri.slice(BASE.length);
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
    td.appendChild(el("span", term.value));
    if (term["xml:lang"]) td.appendChild(el("small", " @" + term["xml:lang"]));
  }
  return td;
}

function showTable(data) {
  const result = $("result");
  if (typeof data.boolean === "boolean") {
    result.replaceChildren(el("p", data.boolean ? "yes (true)" : "no (false)", { class: "boolean" }));
    return 1;
  }
  const vars = data.head.vars || [];
  const table = el("table");
  const head = el("tr");
  vars.forEach((v) => head.appendChild(el("th", v)));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  for (const row of data.results.bindings) {
    const tr = el("tr");
    vars.forEach((v) => tr.appendChild(cell(row[v])));
    body.appendChild(tr);
  }
  result.replaceChildren(table);
  return data.results.bindings.length;
}

async function show(response, started) {
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  const text = await response.text();
  if (!response.ok) {
    $("status").textContent = `Error ${response.status} (${seconds} s)`;
    $("status").className = "error";
    $("result").replaceChildren(el("pre", text, { class: "error" }));
    return;
  }
  let count;
  if (type.includes("json")) {
    count = showTable(JSON.parse(text));
  } else {
    $("result").replaceChildren(el("pre", text));
    count = text.split("\n").filter((l) => l.trim() && !l.startsWith("@prefix") && !l.startsWith("#")).length;
  }
  let message = `${count} ${type.includes("json") ? "rows" : "lines"} in ${seconds} s`;
  if (response.headers.get("Citynet-Truncated")) {
    message += ` — cut at the server's limit of ${response.headers.get("Citynet-Row-Limit")} rows`;
  }
  $("status").textContent = message;
  $("status").className = "";
}

async function runQuery() {
  const query = $("query").value;
  $("status").textContent = "Running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST", body: query,
      headers: { "Content-Type": "application/sparql-query", Accept: ACCEPT },
    });
    await show(response, started);
  } catch (error) {
    $("status").textContent = "The request failed: " + error;
  }
  const downloads = $("downloads");
  downloads.replaceChildren(document.createTextNode("Download: "));
  for (const format of ["csv", "tsv", "json", "xml", "turtle"]) {
    const params = new URLSearchParams({ query, format });
    downloads.appendChild(el("a", format, { href: "/sparql?" + params.toString() }));
    downloads.appendChild(document.createTextNode(" "));
  }
  // SPARQL CSV carries every value unchanged; this one defuses formulas for spreadsheets.
  const sheet = new URLSearchParams({ query });
  downloads.appendChild(el("a", "csv for spreadsheets", {
    href: "/query/spreadsheet.csv?" + sheet.toString(),
    title: "Cells that a spreadsheet would run as formulas get a leading '",
  }));
}

async function runStored(query) {
  const params = new URLSearchParams();
  for (const input of $("params-fields").querySelectorAll("input")) {
    if (input.value.trim()) params.set(input.name, input.value.trim());
  }
  $("status").textContent = "Running…";
  const started = performance.now();
  try {
    const response = await fetch(`/queries/${encodeURIComponent(query.name)}?${params}`, {
      headers: { Accept: ACCEPT },
    });
    await show(response, started);
  } catch (error) {
    $("status").textContent = "The request failed: " + error;
  }
}

function choose(query) {
  $("query").value = query.sparql;
  $("params-title").textContent = query.name;
  $("params-summary").textContent = query.summary;
  const fields = $("params-fields");
  fields.replaceChildren();
  for (const p of query.parameters) {
    const label = el("label", `${p.name} (${p.type}${p.required ? ", required" : ""})`);
    const input = el("input", null, { name: p.name, type: "text" });
    input.value = p.example !== null && p.example !== undefined ? String(p.example) : "";
    if (p.description) input.title = p.description;
    label.appendChild(input);
    fields.appendChild(label);
  }
  const form = $("params");
  form.hidden = false;
  form.onsubmit = (event) => {
    event.preventDefault();
    runStored(query);
  };
}

async function loadExamples() {
  const list = $("examples");
  try {
    const response = await fetch("/queries", { headers: { Accept: "application/json" } });
    const queries = await response.json();
    list.replaceChildren();
    for (const query of queries) {
      const item = el("li");
      const button = el("button", query.name, { type: "button", class: "link" });
      button.addEventListener("click", () => choose(query));
      item.appendChild(button);
      item.appendChild(el("span", " — " + query.summary));
      list.appendChild(item);
    }
  } catch (error) {
    list.replaceChildren(el("li", "The stored queries could not be loaded: " + error));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("run").addEventListener("click", runQuery);
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) runQuery();
  });
  loadExamples();
  // A link to /query?query=… opens with that query and runs it.
  const shared = new URLSearchParams(window.location.search).get("query");
  if (shared) {
    $("query").value = shared;
    runQuery();
  }
});
