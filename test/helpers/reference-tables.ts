/**
 * The published rating tables in shared/reference/: a header of rater names, then one row per unit, its
 * id first; an empty cell is a missing rating. shared/ sits beside the repository (here and in CI), so
 * files resolve from this module, not the cwd.
 */
import { readFileSync } from "node:fs";

export interface ReferenceTable {
  raters: string[];
  units: { unit: string; scores: (number | null)[] }[];
}

export function readReferenceTable(file: string): ReferenceTable {
  const [header = "", ...lines] = readFileSync(
    new URL(`../../../shared/reference/${file}`, import.meta.url),
    "utf8",
  )
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  return {
    raters: header.split(",").slice(1),
    units: lines.map((line) => {
      const [unit = "", ...cells] = line.split(",");
      return { unit, scores: cells.map((cell) => (cell.trim() === "" ? null : Number(cell))) };
    }),
  };
}

/** The table's ratings alone: one row per unit, one column per rater. */
export const referenceRatings = (file: string): (number | null)[][] =>
  readReferenceTable(file).units.map(({ scores }) => scores);

/** A number rounded to `decimals` places, as published figures are; anything else as it is. */
export const roundTo = <T>(value: T, decimals: number): T =>
  (typeof value === "number" ? Math.round(value * 10 ** decimals) / 10 ** decimals : value) as T;
