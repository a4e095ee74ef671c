// Filters that live in the URL (?from=2026-01-01&to=2026-03-31&queue=payment_hold&work_type=exception),
// so a filtered view can be bookmarked or shared, and carry across pages: internal links are rewritten
// to keep the current query string.
import * as Inputs from "@observablehq/inputs";
import { el } from "./dom.js";

const KEYS = ["from", "to", "queue", "work_type"];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readFilters() {
  const params = new URLSearchParams(location.search);
  const filters = Object.fromEntries(KEYS.map((k) => [k, params.get(k) || null]));
  for (const key of ["from", "to"]) if (filters[key] && !ISO_DAY.test(filters[key])) filters[key] = null;
  return filters;
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
export function filterSelect(key, options, { label, disabled = false }) {
  const current = readFilters()[key] ?? "all";
  const input = Inputs.select(["all", ...options], {
    label,
    disabled,
    value: options.includes(current) ? current : "all",
  });
  input.addEventListener("input", () => writeFilter(key, input.value));
  return input;
}

/** A date input bound to one URL filter (YYYY-MM-DD). */
export function filterDate(key, { label, min, max, disabled = false }) {
  const current = readFilters()[key];
  const input = Inputs.date({ label, min, max, disabled, value: current ?? undefined });
  input.addEventListener("input", () =>
    writeFilter(key, input.value ? input.value.toISOString().slice(0, 10) : null),
  );
  return input;
}

const FILTER_NAMES = { date: "date range", queue: "queue", work_type: "work type" };

/**
 * The page's filter bar: from, to, queue and work type, each bound to the URL. Filters that do not
 * divide the page's data are shown disabled (they still carry to the next page), and a note says so.
 * Its value is `{from, to, queue, work_type}`: ISO days or null, a name or null for "all".
 */
export function filterBar(dimensions, { applies = ["date", "queue", "work_type"] } = {}) {
  const off = (name) => !applies.includes(name);
  const range = { min: dimensions.first_day ?? undefined, max: dimensions.last_day ?? undefined };
  const inputs = {
    from: filterDate("from", { label: "From", ...range, disabled: off("date") }),
    to: filterDate("to", { label: "To", ...range, disabled: off("date") }),
    queue: filterSelect(
      "queue",
      dimensions.queues.map((q) => q.queue),
      { label: "Queue", disabled: off("queue") },
    ),
    work_type: filterSelect("work_type", dimensions.work_types, {
      label: "Work type",
      disabled: off("work_type"),
    }),
  };
  const clear = el("button", { type: "button", className: "download" }, "Clear filters");
  const unused = Object.keys(FILTER_NAMES).filter(off);
  const bar = el(
    "div",
    { className: "filters", role: "group", "aria-label": "Filters, kept in the page address" },
    ...Object.values(inputs),
    clear,
    unused.length
      ? el(
          "p",
          { className: "filters-note" },
          `This page's data is not divided by ${unused.map((u) => FILTER_NAMES[u]).join(" or ")}; the filter still carries to other pages.`,
        )
      : null,
  );
  clear.addEventListener("click", () => {
    for (const [key, input] of Object.entries(inputs)) {
      input.value = key === "from" || key === "to" ? null : "all";
      writeFilter(key, null);
    }
    bar.dispatchEvent(new Event("input", { bubbles: true }));
  });
  Object.defineProperty(bar, "value", {
    get() {
      const day = (input) => (input.value ? input.value.toISOString().slice(0, 10) : null);
      const pick = (input) => (input.value && input.value !== "all" ? input.value : null);
      return {
        from: off("date") ? null : day(inputs.from),
        to: off("date") ? null : day(inputs.to),
        queue: off("queue") ? null : pick(inputs.queue),
        work_type: off("work_type") ? null : pick(inputs.work_type),
      };
    },
  });
  carryFiltersOnLinks();
  return bar;
}

function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Rows within the filters. `date` names the row's period key and its grain: `day` (YYYY-MM-DD), `week`
 * (the week's first day: kept when the week overlaps the range), `month` (YYYY-MM: kept when the month
 * overlaps) or `instant` (an ISO time, by its UTC day); null when the date range does not apply.
 * `queue` and `workType` name the row's keys (null: that filter does not apply).
 */
export function filterRows(
  rows,
  filters,
  { date = { key: "day", grain: "day" }, queue = "queue", workType = "work_type" } = {},
) {
  const { from, to } = filters;
  const inRange = (value) => {
    if (!date || value === null || value === undefined) return true;
    switch (date.grain) {
      case "week":
        return (!from || addDays(value, 6) >= from) && (!to || value <= to);
      case "month":
        return (!from || value >= from.slice(0, 7)) && (!to || value <= to.slice(0, 7));
      case "instant":
        return (!from || value.slice(0, 10) >= from) && (!to || value.slice(0, 10) <= to);
      default:
        return (!from || value >= from) && (!to || value <= to);
    }
  };
  return rows.filter(
    (d) =>
      (!date || inRange(d[date.key])) &&
      (!queue || !filters.queue || d[queue] === filters.queue) &&
      (!workType || !filters.work_type || d[workType] === filters.work_type),
  );
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

/** The filters in words, for captions: "payment_hold, 2026-01-01 to 2026-03-31". */
export function describeFilters(filters) {
  const parts = [];
  if (filters.queue) parts.push(`queue ${filters.queue}`);
  if (filters.work_type) parts.push(`work type ${filters.work_type}`);
  if (filters.from || filters.to) parts.push(`${filters.from ?? "start"} to ${filters.to ?? "end"}`);
  return parts.length ? parts.join(", ") : "all queues and work types, all dates";
}
