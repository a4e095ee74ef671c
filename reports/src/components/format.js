// Number formats shared by every page (en-US), so that tests can compute the same text from the marts.
export const DASH = "—";

// Formatters are made once: toLocaleString with a locale builds a new one on every call, and tables
// format thousands of cells.
const INT_FORMAT = new Intl.NumberFormat("en-US");
const NUM_FORMATS = new Map();
// Made on first use: only the pages that name months need it, and making one takes milliseconds.
let monthFormat;

export function int(value) {
  return value === null || value === undefined ? DASH : INT_FORMAT.format(Math.round(value));
}

export function num(value, digits = 1) {
  if (value === null || value === undefined) return DASH;
  let format = NUM_FORMATS.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    NUM_FORMATS.set(digits, format);
  }
  return format.format(value);
}

/** A share as a percentage: 0.9431 → "94.3%". */
export function pct(value, digits = 1) {
  return value === null || value === undefined ? DASH : `${(value * 100).toFixed(digits)}%`;
}

/** Seconds as minutes, hours or days: 2700 → "45 min", 12600 → "3.5 h", 302400 → "3.5 d". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  if (Math.abs(seconds) < 3600) return `${Math.round(seconds / 60)} min`;
  if (Math.abs(seconds) < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** A KPI value in its unit (kpi_trends' units). */
export function kpiValue(value, unit) {
  if (value === null || value === undefined) return DASH;
  switch (unit) {
    case "seconds":
      return duration(value);
    case "share":
      return pct(value);
    case "per_1000_orders":
      return `${num(value)} per 1,000`;
    case "cases":
      return int(value);
    default:
      return num(value);
  }
}

/** A change in a KPI's unit, signed: "+1.2 pts" for shares (percentage points), "+3" for cases. */
export function kpiChange(change, unit) {
  if (change === null || change === undefined) return DASH;
  const sign = change > 0 ? "+" : change < 0 ? "−" : "±";
  const size = Math.abs(change);
  switch (unit) {
    case "share":
      return `${sign}${(size * 100).toFixed(1)} pts`;
    case "seconds":
      return `${sign}${duration(size)}`;
    case "cases":
      return `${sign}${int(size)}`;
    default:
      return `${sign}${num(size)}`;
  }
}

/** An ISO instant as "YYYY-MM-DD HH:MM" UTC. */
export function instant(value) {
  return value ? String(value).slice(0, 16).replace("T", " ") : DASH;
}

/** snake_case identifiers as words, for labels: "open_breached" → "open breached". */
export function words(value) {
  return value === null || value === undefined ? DASH : String(value).replaceAll("_", " ");
}

/** "2026-10" → "October 2026". */
export function monthName(month) {
  const [year, m] = month.split("-").map(Number);
  monthFormat ??= new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  return monthFormat.format(new Date(Date.UTC(year, m - 1, 1)));
}
