// Filters that live in the URL (?from=2026-01-01&to=2026-03-31&queue=payment_hold&work_type=exception),
// so a filtered view can be bookmarked or shared, and carry across pages: internal links are rewritten
// to keep the current query string.
import * as Inputs from "@observablehq/inputs";

const KEYS = ["from", "to", "queue", "work_type"];

export function readFilters() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(KEYS.map((k) => [k, params.get(k) || null]));
}

export function writeFilter(key, value) {
  const params = new URLSearchParams(location.search);
  if (value === null || value === undefined || value === "" || value === "all") params.delete(key);
  else params.set(key, value);
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
  carryFiltersOnLinks();
}

/** Internal links keep the current filters. */
export function carryFiltersOnLinks() {
  const params = new URLSearchParams(location.search);
  for (const link of document.querySelectorAll("a[href]")) {
    const url = new URL(link.getAttribute("href"), location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/_")) continue;
    for (const key of KEYS) {
      const value = params.get(key);
      if (value) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    link.setAttribute("href", `${url.pathname}${url.search}${url.hash}`);
  }
}

/** A select bound to one URL filter; "all" clears it. */
export function filterSelect(key, options, { label }) {
  const current = readFilters()[key] ?? "all";
  const input = Inputs.select(["all", ...options], {
    label,
    value: options.includes(current) ? current : "all",
  });
  input.addEventListener("input", () => writeFilter(key, input.value));
  return input;
}

/** A date input bound to one URL filter (YYYY-MM-DD). */
export function filterDate(key, { label, min, max }) {
  const current = readFilters()[key];
  const input = Inputs.date({ label, min, max, value: current ?? undefined });
  input.addEventListener("input", () =>
    writeFilter(key, input.value ? input.value.toISOString().slice(0, 10) : null),
  );
  return input;
}

/** Rows within the filters: `day` (YYYY-MM-DD) between from and to, and the queue / work type chosen. */
export function applyFilters(rows, filters, { dayKey = "day" } = {}) {
  return rows.filter(
    (d) =>
      (!filters.from || d[dayKey] >= filters.from) &&
      (!filters.to || d[dayKey] <= filters.to) &&
      (!filters.queue || filters.queue === "all" || d.queue === undefined || d.queue === filters.queue) &&
      (!filters.work_type ||
        filters.work_type === "all" ||
        d.work_type === undefined ||
        d.work_type === filters.work_type),
  );
}
