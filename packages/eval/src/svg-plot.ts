/**
 * Small hand-written SVG charts for reports: line plots (linear, log or categorical x) and
 * overlaid histograms. They return strings, need no DOM, and reference nothing outside themselves.
 */

export interface PlotSeries {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xScale?: 'linear' | 'log';
  /** Category names: points then use x = category index. */
  xCategories?: string[];
  xDomain?: [number, number];
  yDomain?: [number, number];
  xTicks?: number[];
  yTicks?: number[];
  format?: { x?: (v: number) => string; y?: (v: number) => string };
  width?: number;
  height?: number;
  /** Add the SVG namespace (for a .svg file); inline SVG in HTML does not need it. */
  standalone?: boolean;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const MARGIN = { left: 60, right: 150, top: 30, bottom: 46 };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function linePlot(series: readonly PlotSeries[], options: PlotOptions): string {
  const log = options.xScale === 'log' && !options.xCategories;
  // A log axis cannot show x <= 0 (e.g. the ROC's FAR = 0 point): such points are left out.
  const usable = series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(y) && (!log || x > 0)) }));
  const xs = usable.flatMap((s) => s.points.map((p) => p[0]));
  const ys = usable.flatMap((s) => s.points.map((p) => p[1]));
  const cats = options.xCategories;
  const xDomain = options.xDomain ?? (cats ? [-0.5, cats.length - 0.5] : extent(xs, log));
  const yDomain = options.yDomain ?? padded(extent(ys, false));
  const frame = new Frame(options, xDomain, yDomain, log);
  const parts = [frame.axes(cats ? cats.map((_, i) => i) : options.xTicks ?? (log ? logTicks(xDomain) : niceTicks(xDomain)))];
  usable.forEach((s, i) => {
    if (s.points.length === 0) return;
    const color = PALETTE[i % PALETTE.length];
    const d = s.points.map(([x, y], k) => `${k ? 'L' : 'M'}${frame.x(x).toFixed(1)},${frame.y(y).toFixed(1)}`).join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (s.points.length <= 30) {
      for (const [x, y] of s.points) {
        parts.push(`<circle cx="${frame.x(x).toFixed(1)}" cy="${frame.y(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
      }
    }
  });
  parts.push(frame.legend(usable.map((s) => s.name)));
  return frame.wrap(parts.join(''));
}

export interface HistogramOptions extends Omit<PlotOptions, 'xScale' | 'xCategories'> {
  /** Divide each series by its total so that very unequal counts (genuine vs impostor) compare. */
  normalize?: boolean;
}

/** Overlaid step histograms on shared bin edges. */
export function histogramPlot(
  edges: readonly number[],
  series: readonly { name: string; counts: readonly number[] }[],
  options: HistogramOptions,
): string {
  const normalize = options.normalize ?? true;
  const values = series.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0) || 1;
    return s.counts.map((c) => (normalize ? c / total : c));
  });
  const xDomain = options.xDomain ?? [edges[0] ?? 0, edges[edges.length - 1] ?? 1];
  const yMax = Math.max(1e-12, ...values.flat());
  const yDomain = options.yDomain ?? [0, yMax * 1.05];
  const frame = new Frame(options, xDomain, yDomain, false);
  const parts = [frame.axes(options.xTicks ?? niceTicks(xDomain))];
  values.forEach((v, i) => {
    const color = PALETTE[i % PALETTE.length];
    let d = `M${frame.x(edges[0]).toFixed(1)},${frame.y(0).toFixed(1)}`;
    v.forEach((c, b) => {
      d += `L${frame.x(edges[b]).toFixed(1)},${frame.y(c).toFixed(1)}L${frame.x(edges[b + 1]).toFixed(1)},${frame.y(c).toFixed(1)}`;
    });
    d += `L${frame.x(edges[edges.length - 1]).toFixed(1)},${frame.y(0).toFixed(1)}Z`;
    parts.push(`<path d="${d}" fill="${color}" fill-opacity="0.25" stroke="${color}" stroke-width="1.2"/>`);
  });
  parts.push(frame.legend(series.map((s) => s.name)));
  return frame.wrap(parts.join(''));
}

class Frame {
  readonly w: number;
  readonly h: number;
  private readonly pw: number;
  private readonly ph: number;

  constructor(
    private readonly o: PlotOptions,
    private readonly xd: [number, number],
    private readonly yd: [number, number],
    private readonly log: boolean,
  ) {
    this.w = o.width ?? 560;
    this.h = o.height ?? 320;
    this.pw = this.w - MARGIN.left - MARGIN.right;
    this.ph = this.h - MARGIN.top - MARGIN.bottom;
  }

  x(v: number): number {
    const [a, b] = this.log ? [Math.log10(this.xd[0]), Math.log10(this.xd[1])] : this.xd;
    const t = ((this.log ? Math.log10(v) : v) - a) / (b - a || 1);
    return MARGIN.left + t * this.pw;
  }

  y(v: number): number {
    const [a, b] = this.yd;
    return MARGIN.top + (1 - (v - a) / (b - a || 1)) * this.ph;
  }

  axes(xTicks: number[]): string {
    const fx = this.o.format?.x ?? ((v: number) => (this.o.xCategories ? this.o.xCategories[v] ?? '' : shortNumber(v)));
    const fy = this.o.format?.y ?? shortNumber;
    const left = MARGIN.left;
    const bottom = MARGIN.top + this.ph;
    const out: string[] = [
      `<rect x="${left}" y="${MARGIN.top}" width="${this.pw}" height="${this.ph}" fill="#fff" stroke="#999"/>`,
    ];
    for (const t of this.o.yTicks ?? niceTicks(this.yd)) {
      const y = this.y(t).toFixed(1);
      out.push(`<line x1="${left}" x2="${left + this.pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      out.push(`<text x="${left - 5}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(fy(t))}</text>`);
    }
    for (const t of xTicks) {
      const inside = t >= Math.min(...this.xd) && t <= Math.max(...this.xd);
      if (!inside) continue;
      const x = this.x(t).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${bottom}" stroke="#eee"/>`);
      out.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle">${escapeXml(fx(t))}</text>`);
    }
    out.push(`<text x="${left + this.pw / 2}" y="${this.h - 8}" text-anchor="middle">${escapeXml(this.o.xLabel)}</text>`);
    out.push(
      `<text transform="translate(14 ${MARGIN.top + this.ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(this.o.yLabel)}</text>`,
    );
    out.push(`<text x="${left}" y="18" font-weight="bold">${escapeXml(this.o.title)}</text>`);
    return out.join('');
  }

  legend(names: string[]): string {
    const x = MARGIN.left + this.pw + 12;
    return names
      .map((name, i) => {
        const y = MARGIN.top + 8 + i * 16;
        const color = PALETTE[i % PALETTE.length];
        return `<rect x="${x}" y="${y - 5}" width="10" height="10" fill="${color}"/><text x="${x + 14}" y="${y}" dominant-baseline="middle">${escapeXml(name)}</text>`;
      })
      .join('');
  }

  wrap(body: string): string {
    const ns = this.o.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
    return (
      `<svg${ns} viewBox="0 0 ${this.w} ${this.h}" width="${this.w}" height="${this.h}" role="img" font-family="sans-serif" font-size="11">` +
      `<title>${escapeXml(this.o.title)}</title>${body}</svg>`
    );
  }
}

function extent(values: number[], log: boolean): [number, number] {
  if (values.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    if (log) return [lo / 2, hi * 2];
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

function padded([lo, hi]: [number, number]): [number, number] {
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

/** 4-7 round ticks (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks([lo, hi]: [number, number]): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= 7) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function logTicks([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
  return ticks;
}

function shortNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
