// treaty's page: the query view (editor with highlighting, completion and diagnostics; results
// as charts and sortable tables with downloads and the SPARQL on demand; the gallery) and
// entity pages. The charts come from the server as SVG, drawn by the reports' code: this
// script only shows them.
// No framework and no network access beyond this server: it must work offline.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
};

let keywords = new Set();
let lastFault = null; // {start, end} in UTF-16 units of the editor's text

// ---------------------------------------------------------------------------------------------
// Highlighting: the editor is a transparent textarea over a <pre> drawn from the same text.

function tokens(text) {
  const out = [];
  const re = /(--[^\n]*)|("(?:[^"\\]|\\.)*"?)|(\b\d+(?:[.-]\d+)*\b)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|!=|[=<>(),.;*$])|(\s+|.)/gy;
  let m;
  while ((m = re.exec(text)) !== null && m[0].length > 0) {
    let kind = null;
    if (m[1]) kind = "com";
    else if (m[2]) kind = "str";
    else if (m[3]) kind = "num";
    else if (m[4] && keywords.has(m[4].toLowerCase())) kind = "kw";
    else if (m[5]) kind = "op";
    out.push({ start: m.index, end: m.index + m[0].length, kind });
  }
  return out;
}

function highlight() {
  const text = $("query").value;
  const pre = $("highlight");
  pre.textContent = "";
  for (const t of tokens(text)) {
    const piece = text.slice(t.start, t.end);
    const classes = [];
    if (t.kind) classes.push("tok-" + t.kind);
    if (lastFault && t.start < Math.max(lastFault.end, lastFault.start + 1) && t.end > lastFault.start) classes.push("tok-fault");
    pre.append(classes.length ? el("span", { class: classes.join(" ") }, piece) : piece);
  }
  pre.append("\n");
  pre.scrollTop = $("query").scrollTop;
}

// ---------------------------------------------------------------------------------------------
// Running a query

async function run(pushUrl = true) {
  const text = $("query").value;
  if (!text.trim()) return;
  if (pushUrl) {
    const url = "/?q=" + encodeURIComponent(text);
    if (location.pathname + location.search !== url) history.pushState({ q: text }, "", url);
  }
  closeCompletions();
  $("results").textContent = "";
  $("diagnostic").hidden = true;
  $("results").append(el("p", { class: "note", id: "running" }, "Running…"));
  let body;
  try {
    const response = await fetch("/api/query", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: text, chart: true }),
    });
    body = await response.json();
  } catch (e) {
    body = { results: [], error: { message: "the server did not answer: " + e } };
  }
  $("results").textContent = "";
  lastFault = null;
  for (const result of body.results || []) $("results").append(renderResult(result, (body.results || []).length > 1));
  if (body.error) showDiagnostic(body.error, text);
  highlight();
  document.title = "treaty: " + text.split("\n").find((l) => l.trim() && !l.trim().startsWith("--"))?.trim();
}

function showDiagnostic(error, text) {
  const box = $("diagnostic");
  box.textContent = "";
  box.append(el("div", { class: "message" }, error.message));
  if (error.span) {
    const start = error.span.start_utf16;
    const end = Math.max(error.span.end_utf16, start + 1);
    lastFault = { start, end };
    // The line of the fault, with the fault marked.
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    let lineEnd = text.indexOf("\n", start);
    if (lineEnd < 0) lineEnd = text.length;
    const faultEnd = Math.min(end, Math.max(lineEnd, start + 1));
    const pre = el("pre", { class: "source" },
      el("span", { class: "where" }, `line ${error.span.line}, column ${error.span.column}:  `),
      text.slice(lineStart, start),
      el("mark", { class: "fault" }, text.slice(start, faultEnd) || " "),
      text.slice(faultEnd, lineEnd));
    box.append(pre);
    if (error.label) box.append(el("div", { class: "label-text" }, error.label));
  }
  if (error.help) box.append(el("div", { class: "help" }, "Help: " + error.help));
  box.hidden = false;
}

function cellNode(cell) {
  if (cell === null) return "";
  if (!cell.links || cell.links.length === 0) return cell.text;
  if (cell.links.length === 1 && cell.links[0].label === cell.text) {
    return el("a", { href: cell.links[0].href }, cell.text);
  }
  // A list cell: each name that has a page is a link.
  const byLabel = new Map(cell.links.map((l) => [l.label, l.href]));
  const parts = cell.text.split("; ");
  const out = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push("; ");
    out.push(byLabel.has(part) ? el("a", { href: byLabel.get(part) }, part) : part);
  });
  return el("span", {}, out);
}

function renderResult(result, headed) {
  const box = el("section", { class: "result" });
  if (headed) box.append(el("h3", {}, el("code", {}, result.heading)));
  if (result.defined) {
    box.append(el("p", { class: "note" }, `defined ${result.defined}`));
    return box;
  }
  if (result.boolean !== undefined) {
    box.append(el("p", {}, result.boolean ? "yes" : "no"));
  }
  if (result.columns) {
    const meta = el("div", { class: "meta" },
      el("span", { class: "count" }, result.truncated
        ? `${result.rows.length} of ${result.total_rows} rows (the server's row cap)`
        : `${result.total_rows} ${result.total_rows === 1 ? "row" : "rows"}`),
      el("span", {}, `${result.elapsed_ms.toFixed(1)} ms`),
      el("button", { class: "quiet", type: "button", onclick: () => download(result, "csv") }, "CSV"),
      el("button", { class: "quiet", type: "button", onclick: () => download(result, "json") }, "JSON"));
    box.append(meta);
    const table = renderTable(result);
    if (result.chart) {
      const figure = renderChart(result.chart);
      if (result.chart.svg) meta.prepend(viewToggle(figure, table));
      box.append(figure);
    }
    box.append(table);
  }
  for (const note of result.notes || []) box.append(el("p", { class: "note" }, note));
  if (result.sparql) {
    box.append(el("details", { class: "sparql" }, el("summary", {}, "SPARQL"), el("pre", {}, result.sparql)));
  }
  return box;
}

// The chart an HTML report would draw for this result, as the server drew it: each mark has
// a <title> (shown on hover) naming its entity, and links to the entity's page.
function renderChart(chart) {
  const figure = el("figure", { class: "chart" });
  if (chart.svg) {
    const holder = el("div", { class: "chart-svg" });
    // The server escapes every text from the data in the SVG.
    holder.innerHTML = chart.svg;
    figure.append(holder, el("figcaption", {}, chart.caption));
  } else {
    figure.append(el("figcaption", { class: "note" }, "No chart: " + chart.omitted));
  }
  return figure;
}

// Two buttons that show or hide the chart and the table; one of them always stays shown.
function viewToggle(figure, table) {
  const group = el("span", { class: "view-toggle", role: "group", "aria-label": "show" });
  const parts = [["Chart", figure], ["Table", table]];
  const buttons = parts.map(([name, part]) => {
    const button = el("button", { class: "quiet toggle", type: "button", "aria-pressed": "true", "data-view": name.toLowerCase() }, name);
    button.addEventListener("click", () => {
      const shown = buttons.filter((b) => b.getAttribute("aria-pressed") === "true");
      const on = button.getAttribute("aria-pressed") !== "true";
      if (!on && shown.length === 1) {
        // Hiding the only part shown shows the other one instead.
        for (const [i, [, other]] of parts.entries()) {
          const mine = other === part;
          other.hidden = mine;
          buttons[i].setAttribute("aria-pressed", String(!mine));
        }
        return;
      }
      part.hidden = !on;
      button.setAttribute("aria-pressed", String(on));
    });
    return button;
  });
  group.append(...buttons);
  return group;
}

function renderTable(result) {
  const table = el("table", { class: "rows" });
  const head = el("tr");
  const body = el("tbody");
  const draw = (rows) => {
    body.textContent = "";
    for (const row of rows) {
      body.append(el("tr", {}, row.map((cell) => el("td", { class: cell ? cell.kind : null }, cellNode(cell)))));
    }
  };
  let order = { column: -1, dir: 1 };
  result.columns.forEach((name, i) => {
    const th = el("th", { scope: "col", "aria-sort": "none", title: "sort" }, name);
    th.addEventListener("click", () => {
      order = { column: i, dir: order.column === i ? -order.dir : 1 };
      for (const other of head.children) other.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", order.dir > 0 ? "ascending" : "descending");
      const rows = result.rows.slice().sort((a, b) => order.dir * compare(a[i], b[i]));
      draw(rows);
    });
    head.append(th);
  });
  table.append(el("thead", {}, head), body);
  draw(result.rows);
  return table;
}

function compare(a, b) {
  if (a === null && b === null) return 0;
  if (a === null) return 1; // empty cells last
  if (b === null) return -1;
  if (a.kind === "number" && b.kind === "number") return Number(a.text) - Number(b.text);
  return a.text.localeCompare(b.text, undefined, { numeric: true, sensitivity: "base" });
}

function download(result, kind) {
  let text, type;
  if (kind === "csv") {
    const quote = (s) => (/[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
    const lines = [result.columns.map(quote).join(",")];
    for (const row of result.rows) lines.push(row.map((c) => quote(c ? c.text : "")).join(","));
    text = lines.join("\r\n") + "\r\n";
    type = "text/csv";
  } else {
    const rows = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ? row[i].text : null])));
    text = JSON.stringify({ query: result.statement, columns: result.columns, rows }, null, 2);
    type = "application/json";
  }
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: "treaty-result." + kind });
  document.body.append(a);
  a.click();
  a.remove();
}

// ---------------------------------------------------------------------------------------------
// Completion

let completion = null; // {start, items, selected}
let completionAsked = 0; // the number of the latest completion request

async function complete() {
  const area = $("query");
  const text = area.value;
  const cursor = area.selectionStart;
  const asked = ++completionAsked;
  const url = `/api/complete?q=${encodeURIComponent(text)}&cursor=${cursor}`;
  let body;
  try {
    body = await (await fetch(url)).json();
  } catch (e) {
    return;
  }
  // An answer for a text that has changed since (typing went on, or a later Tab asked again)
  // would overwrite what was typed: only the latest answer to the text as it is counts.
  if (asked !== completionAsked || area.value !== text || area.selectionStart !== cursor) return;
  if (!body.candidates || body.candidates.length === 0) return closeCompletions();
  if (body.candidates.length === 1) return accept(body.start_utf16, body.candidates[0].replacement);
  completion = { start: body.start_utf16, items: body.candidates, selected: 0 };
  drawCompletions();
}

function drawCompletions() {
  const list = $("completions");
  list.textContent = "";
  completion.items.forEach((item, i) => {
    const li = el("li", { role: "option", "aria-selected": String(i === completion.selected) }, item.display);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); accept(completion.start, item.replacement); });
    list.append(li);
  });
  list.style.left = "0.7rem";
  list.style.top = "100%";
  list.hidden = false;
  list.children[completion.selected]?.scrollIntoView({ block: "nearest" });
}

function closeCompletions() {
  completion = null;
  $("completions").hidden = true;
}

function accept(start, replacement) {
  const area = $("query");
  const end = area.selectionStart;
  area.value = area.value.slice(0, start) + replacement + area.value.slice(end);
  area.selectionStart = area.selectionEnd = start + replacement.length;
  closeCompletions();
  lastFault = null;
  highlight();
  area.focus();
}

function onKey(event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
    return;
  }
  if (completion) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = completion.items.length;
      completion.selected = (completion.selected + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      drawCompletions();
      return;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept(completion.start, completion.items[completion.selected].replacement);
      return;
    }
    if (event.key === "Escape") {
      closeCompletions();
      return;
    }
  }
  if ((event.key === " " && event.ctrlKey) || (event.key === "Tab" && !event.shiftKey)) {
    event.preventDefault();
    complete();
  }
}

// ---------------------------------------------------------------------------------------------
// Entity pages

async function showEntity(path) {
  $("query-view").hidden = true;
  const view = $("entity-view");
  view.hidden = false;
  view.textContent = "";
  const response = await fetch("/api" + path);
  if (!response.ok) {
    view.append(el("h1", {}, "Not found"), el("p", {}, (await response.text()).trim()));
    return;
  }
  const data = await response.json();
  document.title = "treaty: " + (data.label || data.iri);
  view.append(el("div", { class: "kind" }, data.types.filter(Boolean).join(", ")));
  view.append(el("h1", {}, data.label || data.iri));
  const out = data.statements.filter((s) => s.direction === "out");
  const incoming = data.statements.filter((s) => s.direction === "in");
  const summary = out.find((s) => s.property === "summary");
  if (summary) view.append(el("p", { class: "summary" }, summary.values[0].text));
  const sameAs = out.find((s) => s.property_iri === "http://www.w3.org/2002/07/owl#sameAs");
  if (sameAs) {
    view.append(el("p", {}, "Wikidata: ", sameAs.values.map((v, i) => [i ? ", " : "", el("a", { href: v.iri, class: "wikidata" }, v.iri.replace(/^.*\//, ""))])));
  }
  const hidden = new Set(["summary", "label"]);
  const list = el("dl");
  for (const s of dossierOrder(out)) {
    if (hidden.has(s.property) || s === sameAs) continue;
    // The name is the heading already.
    if (s.property === "name" && s.values.length === 1 && s.values[0].text === data.label) continue;
    list.append(el("dt", {}, s.property), el("dd", {}, valueList(s.values)));
  }
  view.append(list);
  if (incoming.length) {
    view.append(el("h2", {}, "Referred to by"));
    const refs = el("dl");
    for (const s of incoming) refs.append(el("dt", {}, s.property + " of"), el("dd", {}, valueList(s.values)));
    view.append(refs);
  }
  view.append(el("p", { class: "iri" }, data.iri));
}

// A dossier reads like a catalogue entry: what it is, when and where, who, what it provided
// and what became of it; other names, notes and sources at the end; the rest in between.
const LEADING = ["kind", "signed", "signed at", "in force from", "start", "end", "party",
  "belligerent", "ends", "guarantor", "beneficiary", "pledge", "mechanism", "outcome",
  "outcome date", "violated by", "tested by", "guarantee", "status", "supersedes",
  "superseded by", "peace ending", "broken by", "reciprocal", "legally binding", "secret"];
const TRAILING = ["other name", "note", "outcome note", "peace ending note", "source",
  "outcome source", "peace ending source"];

function dossierOrder(statements) {
  const rank = (s) => {
    const lead = LEADING.indexOf(s.property);
    if (lead >= 0) return lead;
    const trail = TRAILING.indexOf(s.property);
    return trail >= 0 ? 2000 + trail : 1000;
  };
  // A stable sort: the server's (alphabetical) order within a rank.
  return statements.map((s, i) => [s, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([s]) => s);
}

function valueList(values) {
  const item = (v) => {
    const parts = [];
    if (v.href) parts.push(el("a", { href: v.href }, v.text));
    else parts.push(v.text);
    if (v.outcome) parts.push(el("span", { class: "outcome " + v.outcome.replace(/\s+/g, "-") }, v.outcome));
    if (v.url) parts.push(" ", el("a", { href: v.url, class: "source-url" }, "(link)"));
    return parts;
  };
  if (values.length === 1) return el("span", {}, item(values[0]));
  return el("ul", {}, values.map((v) => el("li", {}, item(v))));
}

// ---------------------------------------------------------------------------------------------
// Start

async function loadGallery() {
  const body = await (await fetch("/api/gallery")).json();
  const list = $("gallery-list");
  for (const q of body.queries) {
    const link = el("a", { href: "/?q=" + encodeURIComponent(q.text) }, q.title || q.file);
    link.addEventListener("click", (e) => {
      e.preventDefault();
      $("query").value = q.text;
      highlight();
      run();
      window.scrollTo(0, 0);
    });
    list.append(el("li", {}, link));
  }
}

async function loadReports() {
  const body = await (await fetch("/api/reports")).json();
  const list = $("report-list");
  for (const report of body.reports) {
    // A plain form: the browser sends the fields as `$NAME=VALUE`, and the report's address
    // is one that can be bookmarked.
    const form = el("form", { class: "report", id: "report-" + report.id, action: report.href, method: "get" },
      el("input", { type: "hidden", name: "format", value: "html" }),
      el("h3", {}, report.title));
    for (const param of report.params) {
      const id = `report-${report.id}-${param.name}`;
      form.append(el("label", { for: id }, param.name),
        el("input", {
          id, name: "$" + param.name, type: "text",
          placeholder: param.default === null ? "required" : param.default,
          required: param.default === null ? "" : null,
        }));
    }
    form.append(el("button", { type: "submit" }, "Open report"));
    list.append(form);
  }
}

function start() {
  // The keywords only colour the editor: the page does not wait for them. (It used to, and
  // keys typed before they came, Tab among them, went to the browser instead of the editor.)
  fetch("/api/schema")
    .then((response) => response.json())
    .then((schema) => {
      keywords = new Set((schema.keywords || []).map((k) => k.toLowerCase()));
      if (!$("query-view").hidden) highlight();
    })
    .catch(() => { /* highlighting without keywords */ });
  if (location.pathname.startsWith("/entity/")) {
    showEntity(location.pathname);
    return;
  }
  const area = $("query");
  area.addEventListener("input", () => { lastFault = null; highlight(); if (completion) closeCompletions(); });
  area.addEventListener("scroll", () => { $("highlight").scrollTop = area.scrollTop; });
  area.addEventListener("keydown", onKey);
  area.addEventListener("blur", () => setTimeout(closeCompletions, 150));
  $("query-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });
  window.addEventListener("popstate", () => {
    const q = new URLSearchParams(location.search).get("q");
    if (q !== null) { area.value = q; highlight(); run(false); }
  });
  loadGallery();
  loadReports();
  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    area.value = q;
    highlight();
    run(false);
  } else {
    highlight();
  }
}

start();
