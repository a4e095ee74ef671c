// Artefacts written columnar by the loaders ({columns, rows}) turned back into objects.
export function rowsOf(artefact) {
  if (Array.isArray(artefact)) return artefact;
  const { columns, rows } = artefact;
  return rows.map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i]])));
}

/** Σ of a key over rows (nulls count as 0). */
export function sum(rows, key) {
  return rows.reduce((total, d) => total + (d[key] ?? 0), 0);
}

/** met ÷ (met + breached), or null when nothing fell due. */
export function ratio(numerator, denominator) {
  return denominator > 0 ? numerator / denominator : null;
}

/** Rows grouped by a key function, as a Map in first-seen order. */
export function groupBy(rows, keyOf) {
  const groups = new Map();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
