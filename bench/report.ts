/**
 * The bench's printout: one table of every measurement with Arclight's ratio to the
 * express+sqlite reference, the targets of issues 2 and 3 beside them, and PASS/MISS.
 */
import type { Measurement } from './scenarios';

export interface Target {
  /** What is compared, e.g. "connectedClusters GET (8 conns)". */
  label: string;
  value: number;
  /** "ratio" targets compare to reference (b); "max" ones are absolute upper bounds. */
  kind: 'ratio' | 'max';
  bound: number;
  unit: string;
  /** A run with errors measures nothing: its target reads ERR, neither PASS nor MISS. */
  failed?: boolean;
}

export const passes = (t: Target) => !t.failed && (t.kind === 'ratio' ? t.value >= t.bound : t.value <= t.bound);
const verdict = (t: Target) => (t.failed ? 'ERR' : passes(t) ? 'PASS' : 'MISS');

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Rows of every server's result; the Arclight row carries its ratio to (b) and the target. */
export function throughputTable(measurements: Measurement[], targetFor: (scenario: string) => number | undefined): string {
  const rows: string[][] = [];
  let previous = '';
  for (const m of measurements) {
    const key = `${m.scenario}|${m.concurrency}`;
    const reference = measurements.find((o) => o.scenario === m.scenario && o.concurrency === m.concurrency && o.server.includes('(b)'));
    const isArclight = m.server === 'Arclight';
    const ratio = isArclight && reference ? m.result.perSecond / reference.result.perSecond : NaN;
    const bound = isArclight ? targetFor(m.scenario) : undefined;
    const failed = !!(m.result.errors || reference?.result.errors);
    const unit = m.scenario.includes('walk') ? 'walks/s' : 'req/s';
    rows.push([
      key === previous ? '' : m.scenario,
      key === previous ? '' : String(m.concurrency),
      m.server,
      `${num(m.result.perSecond, m.result.perSecond < 100 ? 1 : 0)} ${unit}`,
      num(m.result.p50Ms, 2),
      num(m.result.p99Ms, 2),
      String(m.result.errors),
      isArclight ? `${num(ratio, 2)}x` : '',
      bound !== undefined ? `>= ${bound}x ${verdict({ label: '', value: ratio, kind: 'ratio', bound, unit: 'x', failed })}` : '',
    ]);
    previous = key;
  }
  const errors = measurements.filter((m) => m.result.errors).map((m) => `  ${m.server}, ${m.scenario} (${m.concurrency} conns): ${m.result.firstError}`);
  const text = table(['scenario', 'conns', 'server', 'throughput', 'p50 ms', 'p99 ms', 'errors', 'vs (b)', 'target'], rows, new Set([1, 3, 4, 5, 6, 7]));
  return errors.length ? `${text}\nfirst error of each failed run:\n${errors.join('\n')}` : text;
}

export function summary(targets: Target[]): string {
  const rows = targets.map((t) => [
    t.label,
    t.kind === 'ratio' || t.unit === 'x' ? `${num(t.value, 2)}x` : `${num(t.value, 0)} ${t.unit}`,
    t.kind === 'ratio' ? `>= ${t.bound}x` : `<= ${t.bound}${t.unit === 'x' ? '' : ' '}${t.unit}`,
    verdict(t),
  ]);
  return table(['target', 'measured', 'goal', ''], rows, new Set([1]));
}
