// The dashboard's plan limits cards (docs/limits.md): each window's use, its
// reset with the time left, the cost per 1% and the reading's age, from
// /api/v1/limits. Loaded after dashboard.js, whose helpers (getJSON, card,
// money, percentFormat, $) it uses; load() there calls limitsApi and
// renderLimits.
"use strict";

// The plans' windows are the state now: no range, only the source and user filters.
function limitsApi(state) {
  const p = new URLSearchParams();
  for (const f of ["source", "user"]) if (state[f]) p.set(f, state[f]);
  return getJSON("limits", "/api/v1/limits?" + p.toString());
}

// "in 2 h 13 min", "3 d 4 h": the two largest units, as `report limits` says it.
function spanWords(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + " s";
  const m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
  if (d > 0) return d + " d" + (h % 24 ? " " + (h % 24) + " h" : "");
  if (h > 0) return h + " h" + (m % 60 ? " " + (m % 60) + " min" : "");
  return m + " min";
}

const windowLength = (minutes) =>
  !minutes ? "" : minutes % 1440 === 0 ? minutes / 1440 + " d" : minutes % 60 === 0 ? minutes / 60 + " h" : minutes + " min";
const timeOfDay = (iso) => new Date(iso).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });

function renderLimits(answer) {
  const now = Date.parse(answer.now);
  const cards = answer.limits.map((l) => {
    const length = windowLength(l.window_minutes);
    // "5h" says its length already; "primary" does not.
    const label = l.source + " · " + l.window + (length && length.replace(" ", "") !== l.window ? " (" + length + ")" : "") +
      (l.plan ? " · " + l.plan : "");
    const resets = !l.resets_at ? "reset time unknown"
      : l.reset_passed ? "reset at " + timeOfDay(l.resets_at) + ", no newer reading"
      : "resets " + timeOfDay(l.resets_at) + " (in " + spanWords(l.resets_in_seconds) + ")";
    const cost = l.cost_per_percent_usd !== null
      ? "~" + money(l.cost_per_percent_usd) + " per 1% · ~" + money(l.cost_usd) + " spent in window"
      : l.cost_usd !== null ? "~" + money(l.cost_usd) + " spent in window" : "";
    const observed = "observed " + spanWords((now - Date.parse(l.observed_at)) / 1000) + " ago" +
      (l.stale ? " (stale)" : "");
    const node = card("limit:" + l.source + ":" + l.window, label, l.used_percent,
                      percentFormat.format(l.used_percent / 100), [resets, cost, observed].filter((x) => x).join("\n"));
    if (l.stale) node.classList.add("stale");
    return node;
  });
  $("limits").replaceChildren(...cards);
  $("limits-section").hidden = cards.length === 0;
}
