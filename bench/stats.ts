/** Benchmark statistics and the results table (`npm run bench`). */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles of millisecond samples. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, p50: NaN, p95: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
  return { n: sorted.length, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1] as number };
}

export interface Row {
  id: string;
  scenario: string;
  result: Summary;
  /** Raw BIND baseline measured in the same run, when the scenario has one. */
  baseline?: Summary;
  /** Resident set size in MB of the process the scenario measures, when relevant. */
  rssMb?: number;
  /** Human-readable target, e.g. "p50 ≤ 25 ms". */
  target: string;
  /** Whether the target was met; undefined for a row that is context, not a target. */
  met?: boolean;
}

/** One table of the bench, with the machine's load average (1, 5, 15 min) when it started and when it ended. */
export interface Section {
  title: string;
  rows: Row[];
  loadBefore: readonly number[];
  loadAfter: readonly number[];
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));

/** The results as a Markdown table, ratios against the raw baseline. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| id | scenario | n | p50 ms | p95 ms | max ms | RSS MB | raw p50 ms | ratio | target | met |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratio = r.baseline && r.baseline.p50 > 0 ? `${(r.result.p50 / r.baseline.p50).toFixed(2)}×` : '—';
    lines.push(
      `| ${r.id} | ${r.scenario} | ${r.result.n} | ${fmt(r.result.p50)} | ${fmt(r.result.p95)} | ${fmt(r.result.max)} | ${fmt(r.rssMb, 0)} | ${fmt(r.baseline?.p50)} | ${ratio} | ${r.target} | ${r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}

const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** A section: its title, the load average beside it, its table. */
export function renderSection(s: Section): string {
  return `### ${s.title}\n\nload average ${load(s.loadBefore)} → ${load(s.loadAfter)}\n\n${renderTable(s.rows)}`;
}

/** Times an async function in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` `warmup` times untimed, then `reps` times timed. */
export async function sample(reps: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < reps; i++) out.push(await timed(() => fn(i)));
  return out;
}
