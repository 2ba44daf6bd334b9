// The dashboard: reads the read API (/api/v1/...) with the filters the URL
// carries and draws cards, charts and tables. Every text that comes from
// data is set with textContent, never parsed as HTML. In team mode it first
// signs in: the token goes to /api/v1/session once, and the server keeps it
// in an HttpOnly cookie this script cannot read. body[data-state] says where
// it is ("signin", "loading", "ready", "error"): the browser tests wait on it.
"use strict";

const FILTERS = ["source", "model", "project", "machine", "user", "repository"];
const RANGES = ["today", "24h", "7d", "30d", "month", "all"];
const REFRESH_SECONDS = 60;

const numberFormat = new Intl.NumberFormat("en-US");
const moneyFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const percentFormat = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

const $ = (id) => document.getElementById(id);
const charts = {};
let loadedAt = 0;
let loading = null;
let generation = 0;  // the newest load; an older one that ends later draws nothing
let mode = "";  // "local" or "team", from /api/v1/session

// ---- state: the URL is the truth (bookmarkable, shareable) ----

function readState() {
  const p = new URLSearchParams(location.search);
  const state = {
    range: RANGES.includes(p.get("range")) ? p.get("range") : "",
    since: p.get("since") || "",
    until: p.get("until") || "",
    tz: p.get("tz") || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    bucket: ["hour", "week"].includes(p.get("bucket")) ? p.get("bucket") : "day",
    offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
  };
  if (!state.range && !state.since && !state.until) state.range = "30d";
  for (const f of FILTERS) state[f] = p.get(f) || "";
  return state;
}

function writeState(state) {
  const p = new URLSearchParams();
  if (state.range) p.set("range", state.range);
  if (state.since) p.set("since", state.since);
  if (state.until) p.set("until", state.until);
  for (const f of FILTERS) if (state[f]) p.set(f, state[f]);
  if (new URLSearchParams(location.search).has("tz")) p.set("tz", state.tz);
  if (state.bucket !== "day") p.set("bucket", state.bucket);
  if (state.offset) p.set("offset", String(state.offset));
  history.pushState(null, "", "?" + p.toString());
}

function apiQuery(state, extra) {
  const p = new URLSearchParams();
  if (state.range) p.set("range", state.range);
  if (state.since) p.set("since", state.since);
  if (state.until) p.set("until", state.until);
  p.set("tz", state.tz);
  for (const f of FILTERS) if (state[f]) p.set(f, state[f]);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
  return p.toString();
}

function api(path, state, extra) {
  return getJSON(path, "/api/v1/" + path + "?" + apiQuery(state, extra));
}

async function getJSON(path, url) {
  const response = await fetch(url, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.status === 401) throw new SignedOut(body && body.error);
  if (!response.ok) {
    const reason = body && body.error ? body.error : response.statusText;
    throw new Error(path + ": " + response.status + " " + reason);
  }
  return body;
}

class SignedOut extends Error {}

// ---- sign-in (team mode) ----

async function whoAmI() {
  const response = await fetch("/api/v1/session", { credentials: "same-origin" });
  if (response.status === 401 || response.status === 403) return null;
  if (!response.ok) throw new Error("session: " + response.status + " " + response.statusText);
  return response.json();
}

function showSignIn(message) {
  $("main").hidden = true;
  $("signout").hidden = true;
  $("who").textContent = "";
  $("signin").hidden = false;
  $("signin-error").textContent = message || "";
  $("signin-error").hidden = !message;
  $("token").value = "";
  $("token").focus();
  document.body.dataset.state = "signin";
}

function showSignedIn(session) {
  mode = session.mode;
  $("signin").hidden = true;
  $("main").hidden = false;
  const team = session.mode === "team";
  $("who").textContent = team ? session.user + " (" + session.role + ")" : "";
  $("signout").hidden = !team;
}

async function signIn(token) {
  let response;
  try {
    response = await fetch("/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ token }),
    });
  } catch (e) {
    return showSignIn("cannot reach the server: " + e.message);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) return showSignIn((body && body.error) || response.statusText);
  $("token").value = "";
  showSignedIn(body);
  go(readState(), false);
}

async function signOut() {
  await fetch("/api/v1/session", { method: "DELETE", credentials: "same-origin" });
  showSignIn();
}

// ---- formatting ----

const integer = (n) => numberFormat.format(n);
const money = (usd) => moneyFormat.format(usd);
const estimatedMoney = (t, usd) => (t.estimated_cost_usd > 0 ? "~" : "") + money(usd);

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return s + "s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + "m " + String(s % 60).padStart(2, "0") + "s";
  return Math.floor(m / 60) + "h " + String(m % 60).padStart(2, "0") + "m";
}

const promptTokens = (t) => t.input_tokens + t.cache_read_tokens + t.cache_write_tokens;
const cacheHitShare = (t) => (promptTokens(t) > 0 ? t.cache_read_tokens / promptTokens(t) : 0);
// Answered requests of all made (a failed one: the tool wrote an error instead of an answer).
// An endpoint from before failed requests sends none: 0.
const failedOf = (t) => t.failed_requests || 0;
const successShare = (t) => (t.events + failedOf(t) > 0 ? t.events / (t.events + failedOf(t)) : 1);
// Rounded down to 0.01%, so one failure in 10,000 never reads "100%".
const successFormat = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 2 });
const successText = (t) =>
  successFormat.format(Math.floor(Math.min(successShare(t), failedOf(t) > 0 ? 0.9999 : 1) * 10000 + 1e-6) / 10000);
const localTime = (iso) => (iso ? new Date(iso).toLocaleString() : "");

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// ---- cards ----

function card(key, label, value, shown, note) {
  const node = el("div", null, "card");
  node.dataset.card = key;
  node.dataset.value = String(value);
  node.append(el("div", label, "label"), el("div", shown, "value"));
  if (note) node.append(el("div", note, "note"));
  return node;
}

// The cost of every model split into input (prompts and cache) and output,
// summed in micro-dollars so the parts add up exactly.
function costSplit(models) {
  const micros = (usd) => Math.round((usd || 0) * 1e6);
  const sum = { input: 0, output: 0, unsplit: 0 };
  for (const m of models) {
    sum.input += micros(m.input_cost_usd);
    sum.output += micros(m.output_cost_usd);
    sum.unsplit += micros(m.unsplit_cost_usd);
  }
  return { input: sum.input / 1e6, output: sum.output / 1e6, unsplit: sum.unsplit / 1e6 };
}

function renderCards(t, models) {
  const split = costSplit(models);
  const splitTotal = split.input + split.output;
  const ratio = t.output_tokens > 0 ? (promptTokens(t) / t.output_tokens).toFixed(1) + " : 1" : "-";
  $("cards").replaceChildren(
    card("cost", "Total cost", t.cost_usd, estimatedMoney(t, t.cost_usd),
         "reported " + money(t.reported_cost_usd) + " · estimated ~" + money(t.estimated_cost_usd)),
    card("unpriced", "Unpriced requests", t.unpriced_events, integer(t.unpriced_events),
         t.unpriced_events > 0 ? "no price known: not in the cost" : "every request priced"),
    card("sessions", "Sessions", t.sessions, integer(t.sessions)),
    card("requests", "Requests", t.events, integer(t.events)),
    card("success", "Success rate", successShare(t), successText(t),
         failedOf(t) > 0
           ? integer(failedOf(t)) + " failed of " + integer(t.events + failedOf(t)) + " requests"
           : "no failed requests"),
    card("tokens", "Total tokens", t.total_tokens, integer(t.total_tokens)),
    card("avg-tokens", "Tokens per session", t.avg_tokens_per_session, integer(t.avg_tokens_per_session)),
    card("avg-cost", "Cost per session", t.avg_cost_usd_per_session,
         estimatedMoney(t, t.avg_cost_usd_per_session)),
    card("avg-duration", "Session length", t.avg_session_seconds, duration(t.avg_session_seconds)),
    card("users", "Users", t.users, integer(t.users)),
    card("machines", "Machines", t.machines, integer(t.machines)),
    card("cache", "Cache tokens", t.cache_read_tokens + t.cache_write_tokens,
         integer(t.cache_read_tokens + t.cache_write_tokens),
         "read " + integer(t.cache_read_tokens) + " · written " + integer(t.cache_write_tokens)),
    card("cache-hit", "Cache hit share", cacheHitShare(t), percentFormat.format(cacheHitShare(t)),
         "of prompt tokens read from cache"),
    card("ratio", "Prompt : completion", ratio, ratio),
    card("io-cost", "Input / output cost", split.input,
         estimatedMoney(t, split.input) + " / " + estimatedMoney(t, split.output),
         (splitTotal > 0 ? "output " + percentFormat.format(split.output / splitTotal) + " of the cost" : "no cost") +
           (split.unsplit > 0 ? " · " + money(split.unsplit) + " reported without rates to split" : "")),
  );
}

// ---- insights ----

function renderInsights(list) {
  const items = list.map((i) => {
    const li = el("li", i.message);
    li.dataset.kind = i.kind;
    return li;
  });
  if (!items.length) items.push(el("li", "Nothing unusual in this range.", "quiet"));
  $("insights").replaceChildren(...items);
}

// ---- charts ----

function palette() {
  const style = getComputedStyle(document.documentElement);
  const colors = [];
  for (let i = 1; i <= 8; i++) colors.push(style.getPropertyValue("--series-" + i).trim());
  return { colors, text: style.getPropertyValue("--muted").trim(), line: style.getPropertyValue("--line").trim() };
}

function drawChart(id, type, labels, datasets, options) {
  if (typeof Chart === "undefined") return;
  const colors = palette();
  datasets.forEach((d, i) => {
    const color = d.colors ? d.colors : colors.colors[i % colors.colors.length];
    d.backgroundColor = d.colors ? d.colors.map((_, j) => colors.colors[j % colors.colors.length]) : color;
    d.borderColor = type === "line" ? color : d.backgroundColor;
    delete d.colors;
  });
  if (charts[id]) charts[id].destroy();
  charts[id] = new Chart($(id), {
    type,
    data: { labels, datasets },
    options: Object.assign({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // A phone has no room for ten models' legend above a chart.
      plugins: { legend: { display: datasets.length <= 4 || matchMedia("(min-width: 701px)").matches,
                           labels: { color: colors.text } } },
      scales: type === "doughnut" ? {} : {
        x: { stacked: !!(options && options.stacked), ticks: { color: colors.text }, grid: { color: colors.line } },
        y: { stacked: !!(options && options.stacked), ticks: { color: colors.text }, grid: { color: colors.line } },
      },
    }, options && options.extra),
  });
}

function renderCharts(series, models, sources) {
  const labels = series.rows.map((r) => r.key);
  drawChart("chart-tokens", "bar", labels, [
    { label: "input", data: series.rows.map((r) => r.input_tokens) },
    { label: "output", data: series.rows.map((r) => r.output_tokens) },
    { label: "cache read", data: series.rows.map((r) => r.cache_read_tokens) },
    { label: "cache write", data: series.rows.map((r) => r.cache_write_tokens) },
  ], { stacked: true });
  const modelNames = models.rows.map((r) => r.key);
  drawChart("chart-cost-time", "bar", labels, modelNames.map((name) => ({
    label: name,
    data: series.rows.map((r) => {
      const m = (r.by_model || []).find((x) => x.key === name);
      return m ? m.cost_usd : 0;
    }),
  })), { stacked: true });
  drawChart("chart-sessions", "line", labels, [
    { label: "sessions", data: series.rows.map((r) => r.sessions) },
    { label: "failed requests", data: series.rows.map(failedOf) },
  ]);
  drawChart("chart-source", "bar", sources.rows.map((r) => r.key),
            [{ label: "cost (USD)", data: sources.rows.map((r) => r.cost_usd) }]);
  drawChart("chart-model", "bar", modelNames, [{ label: "cost (USD)", data: models.rows.map((r) => r.cost_usd) }],
            { extra: { indexAxis: "y" } });
  drawChart("chart-requests", "doughnut", modelNames,
            [{ label: "requests", data: models.rows.map((r) => r.events), colors: modelNames }]);
}

// Token types per model: counts, each model's split in percent, or its cost
// (the cost is not split by type: prices apply per type, the store keeps the sum).
let lastModels = null;
function renderTypes(models) {
  const view = $("types-view").value;
  const names = models.rows.map((r) => r.key);
  if (view === "cost") {
    drawChart("chart-types", "bar", names, [{ label: "cost (USD)", data: models.rows.map((r) => r.cost_usd) }],
              { extra: { indexAxis: "y" } });
    return;
  }
  const types = [["input", "input_tokens"], ["output", "output_tokens"], ["cache read", "cache_read_tokens"],
                 ["cache write", "cache_write_tokens"]];
  const scale = (r, v) => (view === "share" ? (r.total_tokens > 0 ? (100 * v) / r.total_tokens : 0) : v);
  drawChart("chart-types", "bar", names, types.map(([label, field]) => ({
    label: view === "share" ? label + " (%)" : label,
    data: models.rows.map((r) => scale(r, r[field])),
  })), { stacked: true, extra: { indexAxis: "y" } });
}

// ---- tables ----

// columns: [heading, value(row), shown(row) or undefined, numeric]
function renderTable(id, columns, rows, onRow) {
  const table = $(id);
  const saved = JSON.parse(localStorage.getItem("sort:" + id) || "null");
  if (saved && saved.column < columns.length) {
    const value = columns[saved.column][1];
    rows = rows.slice().sort((a, b) => {
      const x = value(a), y = value(b);
      const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return saved.descending ? -order : order;
    });
  }
  const head = el("tr");
  columns.forEach(([heading, , , numeric], i) => {
    const th = el("th", heading, numeric ? "num" : "");
    th.tabIndex = 0;
    th.scope = "col";
    if (saved && saved.column === i) th.setAttribute("aria-sort", saved.descending ? "descending" : "ascending");
    const sort = () => {
      const descending = saved && saved.column === i ? !saved.descending : !!numeric;
      localStorage.setItem("sort:" + id, JSON.stringify({ column: i, descending }));
      renderTable(id, columns, rows, onRow);
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    head.append(th);
  });
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const [, value, shown, numeric] of columns)
      tr.append(el("td", shown ? shown(row) : value(row), numeric ? "num" : ""));
    body.append(tr);
    if (onRow) onRow(row, tr, body);
  }
  const thead = document.createElement("thead");
  thead.append(head);
  table.replaceChildren(thead, body);
}

const costColumn = ["Cost", (r) => r.cost_usd, (r) => estimatedMoney(r, r.cost_usd), true];
const sessionsColumn = ["Sessions", (r) => r.sessions, (r) => integer(r.sessions), true];
const tokensColumn = ["Tokens", (r) => r.total_tokens, (r) => integer(r.total_tokens), true];

function topModel(row) {
  const models = (row.by_model || []).slice().sort((a, b) => b.cost_usd - a.cost_usd || b.events - a.events);
  return models.length ? models[0].key : "";
}

// A session's own cost (the ledger, e.g. Claude Code's statusline figure) is
// shown as it is; without one, the events' sum, "~" when estimated.
const sessionCostColumn = ["Cost", (r) => r.session_cost_usd,
  (r) => (r.ledger_cost_usd !== null ? money(r.ledger_cost_usd) : estimatedMoney(r, r.cost_usd)), true];

function renderSessions(sessions, state) {
  const columns = [
    ["Project", (r) => r.project],
    ["Machine", (r) => r.machine],
    ["Agent", (r) => r.source],
    ["Surface", (r) => r.surface],
    ["Models", (r) => r.models.join(", ")],
    sessionCostColumn,
    tokensColumn,
    ["Started", (r) => r.first_activity, (r) => localTime(r.first_activity)],
    ["Last activity", (r) => r.last_activity, (r) => localTime(r.last_activity)],
  ];
  renderTable("table-sessions", columns, sessions.rows, (row, tr, body) => {
    tr.className = "session";
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", "false");
    const toggle = () => {
      const open = tr.getAttribute("aria-expanded") === "true";
      tr.setAttribute("aria-expanded", String(!open));
      if (open) {
        while (tr.nextSibling && tr.nextSibling.classList.contains("detail")) tr.nextSibling.remove();
        return;
      }
      const models = (row.by_model || []).slice().sort((a, b) => b.cost_usd - a.cost_usd);
      let after = tr;
      for (const m of models) {
        const detail = el("tr", null, "detail");
        const cell = el("td", m.key + ": " + estimatedMoney(m, m.cost_usd) + ", " + integer(m.total_tokens) +
                        " tokens, " + integer(m.events) + " requests");
        cell.colSpan = columns.length;
        detail.append(cell);
        after.after(detail);
        after = detail;
      }
    };
    tr.addEventListener("click", toggle);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") toggle(); });
  });
  const p = sessions.paging;
  $("sessions-count").textContent = "(" + integer(p.total) + ")";
  const first = p.total ? p.offset + 1 : 0;
  $("sessions-page").textContent = integer(first) + "-" + integer(p.offset + sessions.rows.length) + " of " +
                                   integer(p.total);
  $("sessions-prev").disabled = p.offset === 0;
  $("sessions-next").disabled = p.next_offset === null;
  $("sessions-prev").onclick = () => go(Object.assign(state, { offset: Math.max(0, p.offset - p.limit) }));
  $("sessions-next").onclick = () => go(Object.assign(state, { offset: p.next_offset }));
}

// ---- filters ----

function fillSelect(name, keys, current, labels) {
  const select = document.querySelector("#filters select[name=" + name + "]");
  const options = [el("option", "All")];
  options[0].value = "";
  const values = keys.slice();
  if (current && !values.includes(current)) values.unshift(current);
  for (const key of values) {
    const option = el("option", (labels && labels[key]) || key);
    option.value = key;
    options.push(option);
  }
  select.replaceChildren(...options);
  select.value = current;
}

function renderControls(state) {
  document.querySelectorAll("[data-range]").forEach((b) =>
    b.setAttribute("aria-pressed", String(b.dataset.range === state.range)));
  const form = $("filters");
  form.elements.since.value = state.since;
  form.elements.until.value = state.until;
  $("bucket").value = state.bucket;
  const active = FILTERS.filter((f) => state[f]).length + (state.since || state.until ? 1 : 0);
  $("filter-count").textContent = active ? "(" + active + " active)" : "";
}

// ---- loading ----

async function load(state, mine) {
  const size = parseInt(localStorage.getItem("sessions-size") || "25", 10);
  document.body.dataset.state = "loading";
  const [summary, series, models, projects, users, machines, sessions, insights, months, repositories, limits] =
    await Promise.all([
      api("summary", state),
      api("timeseries", state, { bucket: state.bucket, full: 1 }),
      api("by-model", state),
      api("by-project", state, { full: 1 }),
      api("by-user", state),
      api("by-machine", state),
      api("sessions", state, { limit: size, offset: state.offset, full: 1 }),
      api("insights", state),
      api("timeseries", state, { bucket: "month" }),
      api("by-repository", state),
      limitsApi(state),
    ]);
  if (mine !== generation) return false;  // a newer load (a click, the timer) owns the page
  renderControls(state);
  renderCards(summary.totals, models.rows);
  renderLimits(limits);
  renderInsights(insights.insights);
  renderCharts(series, models, summary);
  lastModels = models;
  renderTypes(models);
  drawChart("chart-months", "bar", months.rows.map((r) => r.key),
            [{ label: "cost (USD)", data: months.rows.map((r) => r.cost_usd) }]);
  renderTable("table-projects", [["Project", (r) => r.key], sessionsColumn, tokensColumn, costColumn,
                                 ["Top model", topModel]], projects.rows);
  // Events from a folder without a git remote share the '' repository.
  renderTable("table-repositories", [["Repository", (r) => r.key, (r) => r.key || "(none)"], sessionsColumn,
                                     tokensColumn, costColumn], repositories.rows);
  renderTable("table-users", [["User", (r) => r.key], sessionsColumn, tokensColumn, costColumn], users.rows);
  renderTable("table-machines", [["Machine", (r) => r.label], sessionsColumn, tokensColumn, costColumn],
              machines.rows);
  renderSessions(sessions, state);
  const machineLabels = Object.fromEntries(machines.rows.map((r) => [r.key, r.label]));
  fillSelect("source", summary.rows.map((r) => r.key), state.source);
  fillSelect("model", models.rows.map((r) => r.key), state.model);
  fillSelect("project", projects.rows.map((r) => r.key), state.project);
  fillSelect("machine", machines.rows.map((r) => r.key), state.machine, machineLabels);
  fillSelect("user", users.rows.map((r) => r.key), state.user);
  fillSelect("repository", repositories.rows.map((r) => r.key).filter((k) => k), state.repository);
  return true;
}

function go(state, push = true) {
  if (push) writeState(state);
  $("error").hidden = true;
  const mine = ++generation;
  loading = load(state, mine).then((drawn) => {
    if (!drawn) return;
    loadedAt = Date.now();
    tick();
    // Since navigation began, for bench/bench_dashboard.py: the first load only.
    if (!document.body.dataset.readyMs) document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.state = "ready";
  }, (error) => {
    if (mine !== generation) return;
    if (error instanceof SignedOut) return showSignIn(error.message);
    $("error").textContent = error.message;
    $("error").hidden = false;
    document.body.dataset.state = "error";
  });
  return loading;
}

function tick() {
  if (!loadedAt) return;
  const seconds = Math.round((Date.now() - loadedAt) / 1000);
  $("updated").textContent = "updated " + (seconds < 1 ? "just now" : seconds + " s ago");
}

function init() {
  document.querySelectorAll("[data-range]").forEach((b) => b.addEventListener("click", () => {
    go(Object.assign(readState(), { range: b.dataset.range, since: "", until: "", offset: 0 }));
  }));
  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target.elements;
    const state = Object.assign(readState(), { since: form.since.value, until: form.until.value, offset: 0 });
    if (state.since || state.until) state.range = "";
    for (const f of FILTERS) state[f] = form[f].value;
    go(state);
  });
  $("reset").addEventListener("click", () => {
    const state = readState();
    for (const f of FILTERS) state[f] = "";
    go(Object.assign(state, { range: "30d", since: "", until: "", offset: 0 }));
  });
  $("bucket").addEventListener("change", (e) => go(Object.assign(readState(), { bucket: e.target.value })));
  $("types-view").value = localStorage.getItem("types-view") || "tokens";
  $("types-view").addEventListener("change", () => {
    localStorage.setItem("types-view", $("types-view").value);
    if (lastModels) renderTypes(lastModels);
  });
  const size = $("sessions-size");
  size.value = localStorage.getItem("sessions-size") || "25";
  size.addEventListener("change", () => {
    localStorage.setItem("sessions-size", size.value);
    go(Object.assign(readState(), { offset: 0 }));
  });
  const panel = $("filters-panel");
  panel.open = localStorage.getItem("filters-open") === "true";
  panel.addEventListener("toggle", () => localStorage.setItem("filters-open", String(panel.open)));
  // Local mode: scan this machine's transcripts first, then reload.
  $("refresh").addEventListener("click", async () => {
    $("refresh").disabled = true;
    try {
      if (mode === "local") {
        const scan = await fetch("/api/usage/refresh", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "same-origin",
          body: "{}",
        });
        if (!scan.ok) {
          const body = await scan.json().catch(() => null);
          $("error").textContent = "scan: " + ((body && body.error) || scan.statusText);
          $("error").hidden = false;
          return;
        }
      }
      await go(readState(), false);
    } finally {
      $("refresh").disabled = false;
    }
  });
  window.addEventListener("popstate", () => go(readState(), false));
  setInterval(tick, 5000);
  $("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn($("token").value.trim());
  });
  $("signout").addEventListener("click", signOut);
  setInterval(() => {
    if (document.visibilityState === "visible" && !$("main").hidden) go(readState(), false);
  }, REFRESH_SECONDS * 1000);
  whoAmI().then((session) => {
    if (!session) return showSignIn();
    showSignedIn(session);
    go(readState(), false);
  }, (error) => {
    $("error").textContent = error.message;
    $("error").hidden = false;
    $("main").hidden = false;
    document.body.dataset.state = "error";
  });
}

init();
