/** Progress lines on stderr, so stdout carries only results (and stays parseable with --json). */
export function step(index: number, total: number, message: string): void {
  process.stderr.write(`[${index}/${total}] ${message}\n`);
}

export function note(message: string): void {
  process.stderr.write(`      ${message}\n`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
