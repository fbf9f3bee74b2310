import { NATIVE_SIDE, type QualityEntry } from './quality-protocol';
import type { EvalResults, IdentificationEntry, VerificationEntry } from './results';
import { escapeXml, histogramPlot, linePlot, type PlotSeries } from './svg-plot';

/**
 * report.md and report.html from an EvalResults, as strings (the runner writes the files). Both
 * show the same tables; the HTML adds inline SVG plots and needs no script, stylesheet or font from
 * anywhere else.
 */

interface Table {
  caption?: string;
  headers: string[];
  rows: string[][];
  notes?: string[];
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : (v * 100).toFixed(2));
const num = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
const sizeLabel = (size: number | null): string => (size === null ? 'HR' : `${size}px`);
const farLabel = (far: number): string => (far >= 0.01 ? String(far) : far.toExponential(0).replace('e+', 'e'));

function incompleteText(r: EvalResults): string {
  return `INCOMPLETE RUN: ${r.incompleteReason ?? 'the run stopped before finishing'}. The numbers below cover only what finished and are not comparable with a complete run.`;
}

function runTable(r: EvalResults): Table {
  const d = r.recipe.dataset;
  const rows: string[][] = [
    ['dataset', d.name],
    ['split', d.split ?? 'n/a'],
    ['split seed', d.splitSeed === undefined ? 'n/a' : String(d.splitSeed)],
    ['degradation seed', String(r.recipe.seed)],
    ['degradations', r.recipe.degradations.join(', ') || 'none'],
    ['strategies', r.recipe.strategies.map((s) => s.name).join(', ')],
    ['complete', r.complete ? 'yes' : 'NO'],
  ];
  if (d.root) rows.push(['dataset root', d.root]);
  if (r.recipe.command) rows.push(['command', r.recipe.command]);
  if (r.startedAt) rows.push(['started', r.startedAt]);
  if (r.finishedAt) rows.push(['finished', r.finishedAt]);
  return { caption: 'Run', headers: ['', ''], rows };
}

function countsTable(r: EvalResults): Table {
  const c = r.counts;
  const rows = [
    ['probes', String(c.probes)],
    ['gallery (matches)', String(c.gallery)],
    ['distractors', String(c.distractors)],
  ];
  if (c.pairs !== undefined) rows.push(['verification pairs', String(c.pairs)]);
  rows.push(['skipped', String(c.skipped)], ['unreadable', String(c.unreadable)]);
  if (c.noFace !== undefined) rows.push(['no face found', String(c.noFace)]);
  return {
    caption: 'Counts',
    headers: ['what', 'count'],
    rows,
    notes: (c.skippedExamples ?? []).map((e) => `skipped ${e.item}: ${e.reason}`),
  };
}

function identificationTable(entries: IdentificationEntry[]): Table {
  const ranks = [...new Set(entries.flatMap((e) => Object.keys(e.metrics.cmc).map(Number)))].sort((a, b) => a - b);
  return {
    caption: 'Identification (%; CMC rank-k and mAP)',
    headers: ['strategy', 'protocol', 'degradation', 'size', 'probes', 'with match', 'gallery', ...ranks.map((k) => `rank-${k}`), 'mAP'],
    rows: entries.map((e) => [
      e.strategy,
      e.protocol,
      e.degradation,
      sizeLabel(e.size),
      String(e.metrics.probes),
      String(e.metrics.probesWithMatch),
      String(e.metrics.gallery),
      ...ranks.map((k) => pct(e.metrics.cmc[k])),
      pct(e.metrics.mAP),
    ]),
    notes: entries.some((e) => e.metrics.probesWithMatch < e.metrics.probes)
      ? ['Probes without any gallery image of their identity count as misses (AP 0).']
      : [],
  };
}

function verificationTable(entries: VerificationEntry[]): Table {
  const fars = [...new Set(entries.flatMap((e) => Object.keys(e.metrics.tarAtFar).map(Number)))].sort((a, b) => b - a);
  // The same reason (too few impostors) tends to repeat on every row: say it once, with the rows.
  const reasons = new Map<string, string[]>();
  const rows = entries.map((e) => {
    const m = e.metrics;
    const tars = fars.map((f) => {
      const op = m.tarAtFar[f];
      if (!op) return '';
      if (op.tar === null) {
        const rowsWith = reasons.get(op.reason) ?? [];
        rowsWith.push(`${e.strategy} / ${e.protocol} / ${e.degradation}`);
        reasons.set(op.reason, rowsWith);
        return 'n/a';
      }
      return `${pct(op.tar)} (t=${num(op.threshold)})`;
    });
    return [
      e.strategy,
      e.protocol,
      e.degradation,
      sizeLabel(e.size),
      `${m.genuine}/${m.impostor}`,
      `${pct(m.accuracy.mean)} ± ${pct(m.accuracy.std)}`,
      ...tars,
      pct(m.eer),
      num(m.auc),
    ];
  });
  return {
    caption: 'Verification (%; accuracy = mean ± std over folds; TAR with its threshold)',
    headers: ['strategy', 'protocol', 'degradation', 'size', 'genuine/impostor', 'accuracy', ...fars.map((f) => `TAR@FAR=${farLabel(f)}`), 'EER', 'AUC'],
    rows,
    notes: [...reasons].map(([reason, rowsWith]) =>
      rowsWith.length === entries.length ? `n/a in every row: ${reason}` : `n/a for ${rowsWith.join('; ')}: ${reason}`,
    ),
  };
}

function breakdownTables(entries: IdentificationEntry[]): Table[] {
  return entries.flatMap((e) =>
    (e.breakdowns ?? []).map((b) => ({
      caption: `${e.strategy} / ${e.protocol} / ${e.degradation}: by ${b.covariate} (Spearman with AP: ${num(b.spearmanAp, 3)})`,
      headers: [b.covariate, 'probes', 'rank-1', 'mAP'],
      rows: b.bins.map((bin) => [`${num(bin.lo, 3)} – ${num(bin.hi, 3)}`, String(bin.count), pct(bin.rank1), pct(bin.mAP)]),
      notes: b.excluded ? [`${b.excluded} probes had no usable ${b.covariate} value.`] : [],
    })),
  );
}

function evrTables(entries: VerificationEntry[]): Table[] {
  return entries.flatMap((e) =>
    (e.errorVersusReject ?? []).map((c) => ({
      caption: `${e.strategy} / ${e.protocol} / ${e.degradation}: FNMR at FMR ${farLabel(c.fmr)} as the lowest-${c.quality} comparisons are rejected (${c.mode} threshold)`,
      headers: ['rejected', 'FNMR'],
      rows: c.points.map((p) => [pct(p.rejected), pct(p.fnmr)]),
      notes: c.reason ? [c.reason] : [],
    })),
  );
}

/** The rejected fractions the quality table shows (the curve in report.html has them all). */
const QUALITY_TABLE_FRACTIONS = [0, 0.1, 0.2, 0.3, 0.5];

function qualityTable(e: QualityEntry): Table {
  const column = (f: number) => e.fractions.findIndex((x) => Math.abs(x - f) < 1e-9);
  const notes = [
    `recognisability of a probe = cosine(embedding of the degraded probe, embedding of the same image in HR), mean ${num(e.meanRecognisability, 3)}; Spearman = rank correlation of the estimator's score with it.`,
    `FNMR: each degraded probe against the HR gallery (same identity = genuine); the threshold is fixed once on all impostors, then the lowest-scored probes are rejected.`,
    `"${NATIVE_SIDE}" is the reference: the probe's drawn face width used as the score.`,
  ];
  const reasons = new Map<string, string[]>();
  for (const est of e.estimators) {
    if (est.unscored) notes.push(`${est.name}: ${est.unscored} probes unscored (rejected first)${est.unscoredReason ? `, e.g. ${est.unscoredReason}` : ''}.`);
    const reason = est.errorVersusReject.reason;
    if (reason) reasons.set(reason, [...(reasons.get(reason) ?? []), est.name]);
  }
  // The threshold is shared, so a reason (too few impostors) usually holds for every row: say it once.
  for (const [reason, names] of reasons) notes.push(`FNMR n/a${names.length === e.estimators.length ? '' : ` for ${names.join(', ')}`}: ${reason}`);
  return {
    caption: `Quality: ${e.strategy} / ${e.degradation}: ${e.probes} probes, ${e.genuine} genuine / ${e.impostor} impostor comparisons; FNMR (%) at FMR ${farLabel(e.fmr)} by share of probes rejected`,
    headers: ['estimator', 'scored', 'Spearman vs recognisability', 'ms/face', ...QUALITY_TABLE_FRACTIONS.map((f) => `FNMR @ ${Math.round(f * 100)}% rejected`)],
    rows: e.estimators.map((est) => [
      est.name,
      String(est.scored),
      num(est.spearman, 3),
      est.msPerFace === undefined ? '–' : est.msPerFace.toFixed(2),
      ...QUALITY_TABLE_FRACTIONS.map((f) => {
        const i = column(f);
        return i < 0 ? 'n/a' : pct(est.errorVersusReject.points[i]?.fnmr);
      }),
    ]),
    notes,
  };
}

function packagesTable(r: EvalResults): Table {
  return {
    caption: 'Package versions',
    headers: ['package', 'version'],
    rows: Object.entries(r.recipe.packages).sort(([a], [b]) => a.localeCompare(b)),
  };
}

// ---------- Markdown ----------

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(t: Table): string {
  const lines: string[] = [];
  if (t.caption) lines.push(`**${mdCell(t.caption)}**`, '');
  lines.push(`| ${t.headers.map(mdCell).join(' | ')} |`, `|${t.headers.map(() => '---').join('|')}|`);
  for (const row of t.rows) lines.push(`| ${row.map(mdCell).join(' | ')} |`);
  for (const n of t.notes ?? []) lines.push('', `- ${n}`);
  return lines.join('\n');
}

export function renderReportMarkdown(results: EvalResults): string {
  const out: string[] = ['# Squint evaluation report', ''];
  if (!results.complete) out.push(`> **${incompleteText(results)}**`, '');
  out.push(mdTable(runTable(results)), '', mdTable(countsTable(results)), '');
  if (results.identification.length) {
    out.push('## Identification', '', mdTable(identificationTable(results.identification)), '');
    for (const t of breakdownTables(results.identification)) out.push(mdTable(t), '');
  }
  if (results.verification.length) {
    out.push('## Verification', '', mdTable(verificationTable(results.verification)), '');
    for (const t of evrTables(results.verification)) out.push(mdTable(t), '');
  }
  if (results.quality?.length) {
    out.push('## Quality', '');
    for (const e of results.quality) out.push(mdTable(qualityTable(e)), '');
  }
  for (const n of results.notes ?? []) out.push(`- ${n}`);
  out.push('## Strategies', '');
  for (const s of results.recipe.strategies) {
    out.push(`**${mdCell(s.name)}**`, '', '```json', JSON.stringify(s.pipeline, null, 2), '```', '');
  }
  out.push(mdTable(packagesTable(results)), '', 'Plots (CMC, ROC, score histograms, metric vs face size, error versus reject, recognisability by quality) are in report.html.', '');
  return out.join('\n');
}

// ---------- HTML ----------

function htmlTable(t: Table): string {
  const head = t.headers.some(Boolean) ? `<thead><tr>${t.headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead>` : '';
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n');
  const caption = t.caption ? `<caption>${escapeXml(t.caption)}</caption>` : '';
  const notes = (t.notes ?? []).length ? `<ul class="notes">${t.notes!.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : '';
  return `<table>${caption}${head}<tbody>\n${body}\n</tbody></table>${notes}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Sizes ascending, original resolution last. */
function sizeCategories(entries: readonly { size: number | null }[]): (number | null)[] {
  const sizes = [...new Set(entries.map((e) => e.size))];
  return sizes.sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
}

function metricVersusSize<E extends { strategy: string; protocol: string; size: number | null; degradation: string }>(
  entries: readonly E[],
  metric: (e: E) => number | null,
  what: string,
): string[] {
  const plots: string[] = [];
  for (const [protocol, group] of groupBy(entries, (e) => e.protocol)) {
    const cats = sizeCategories(group);
    if (cats.length < 2) continue;
    // One line per strategy and non-size part of the degradation (e.g. "+jpeg40").
    const lines = groupBy(group, (e) => `${e.strategy} ${e.degradation.replace(/^[a-z]+@\d+/, '').replace(/^original/, '')}`.trim());
    const series: PlotSeries[] = [...lines].map(([name, es]) => ({
      name,
      points: es
        .map((e): [number, number] => [cats.indexOf(e.size), (metric(e) ?? NaN) * 100])
        .sort((a, b) => a[0] - b[0]),
    }));
    plots.push(
      linePlot(series, {
        title: `${what} vs face size: ${protocol}`,
        xLabel: 'probe face width',
        yLabel: `${what} (%)`,
        xCategories: cats.map(sizeLabel),
        yDomain: [0, 100],
      }),
    );
  }
  return plots;
}

function cmcPlots(entries: readonly IdentificationEntry[]): string[] {
  return [...groupBy(entries, (e) => `${e.protocol} / ${e.degradation}`)].map(([key, group]) => {
    const maxRank = Math.min(100, Math.max(...group.map((e) => e.metrics.cmcCurve.length)));
    return linePlot(
      group.map((e) => ({
        name: e.strategy,
        points: e.metrics.cmcCurve.slice(0, maxRank).map((v, i): [number, number] => [i + 1, v * 100]),
      })),
      {
        title: `CMC: ${key}`,
        xLabel: 'rank',
        yLabel: 'identification rate (%)',
        xScale: 'log',
        xDomain: [1, Math.max(2, maxRank)],
        xTicks: [1, 2, 5, 10, 20, 50, 100],
        yDomain: [0, 100],
      },
    );
  });
}

function rocPlots(entries: readonly VerificationEntry[]): string[] {
  return [...groupBy(entries, (e) => `${e.protocol} / ${e.degradation}`)].map(([key, group]) => {
    const minFar = Math.min(...group.map((e) => 1 / e.metrics.impostor));
    return linePlot(
      group.map((e) => ({
        name: e.strategy,
        points: e.metrics.roc.far.map((f, i): [number, number] => [f, e.metrics.roc.tar[i] * 100]),
      })),
      {
        title: `ROC: ${key}`,
        xLabel: 'false accept rate (log)',
        yLabel: 'true accept rate (%)',
        xScale: 'log',
        xDomain: [10 ** Math.floor(Math.log10(minFar)), 1],
        yDomain: [0, 100],
      },
    );
  });
}

function histogramPlots(entries: readonly VerificationEntry[]): string[] {
  return entries
    .filter((e) => e.histogram && e.histogram.edges.length > 1)
    .map((e) =>
      histogramPlot(
        e.histogram!.edges,
        [
          { name: 'genuine', counts: e.histogram!.genuine },
          { name: 'impostor', counts: e.histogram!.impostor },
        ],
        {
          title: `Scores: ${e.strategy} / ${e.protocol} / ${e.degradation}`,
          xLabel: 'score',
          yLabel: 'fraction of pairs',
        },
      ),
    );
}

function breakdownPlots(entries: readonly IdentificationEntry[]): string[] {
  return entries.flatMap((e) =>
    (e.breakdowns ?? [])
      .filter((b) => b.bins.length > 1)
      .map((b) =>
        linePlot(
          [
            { name: 'rank-1', points: b.bins.map((bin, i): [number, number] => [i, (bin.rank1 ?? NaN) * 100]) },
            { name: 'mAP', points: b.bins.map((bin, i): [number, number] => [i, (bin.mAP ?? NaN) * 100]), dashed: true },
          ],
          {
            title: `${e.strategy} / ${e.protocol} / ${e.degradation} by ${b.covariate}`,
            xLabel: `${b.covariate} bin (low to high)`,
            yLabel: '%',
            xCategories: b.bins.map((bin) => `${num(bin.lo, 2)}–${num(bin.hi, 2)}`),
            yDomain: [0, 100],
          },
        ),
      ),
  );
}

function evrPlots(entries: readonly VerificationEntry[]): string[] {
  return entries.flatMap((e) =>
    (e.errorVersusReject ?? []).map((c) =>
      linePlot(
        [
          {
            name: `FNMR @ FMR ${farLabel(c.fmr)}`,
            points: c.points.filter((p) => p.fnmr !== null).map((p): [number, number] => [p.rejected * 100, p.fnmr! * 100]),
          },
        ],
        {
          title: `Error vs reject: ${e.strategy} / ${e.protocol} / ${e.degradation} (${c.quality})`,
          xLabel: 'rejected lowest-quality comparisons (%)',
          yLabel: 'FNMR (%)',
        },
      ),
    ),
  );
}

function qualityPlots(e: QualityEntry): string[] {
  const series = (values: (est: QualityEntry['estimators'][number]) => [number, number][]): PlotSeries[] =>
    e.estimators.map((est) => ({ name: est.name, points: values(est), dashed: est.spec === null }));
  const evr = linePlot(
    series((est) => est.errorVersusReject.points.filter((p) => p.fnmr !== null).map((p): [number, number] => [p.rejected * 100, p.fnmr! * 100])),
    {
      title: `Error vs reject: ${e.strategy} / ${e.degradation}`,
      xLabel: 'lowest-scored probes rejected (%)',
      yLabel: `FNMR @ FMR ${farLabel(e.fmr)} (%)`,
      yDomain: [0, Math.max(1, ...e.estimators.flatMap((est) => est.errorVersusReject.points.map((p) => (p.fnmr ?? 0) * 100))) * 1.05],
    },
  );
  const bins = Math.max(0, ...e.estimators.map((est) => est.bins.length));
  if (bins < 2) return [evr];
  const binned = linePlot(
    series((est) => est.bins.map((b, i): [number, number] => [i, b.meanRecognisability])),
    {
      title: `Recognisability by score: ${e.strategy} / ${e.degradation}`,
      xLabel: 'score bin, equal counts (lowest to highest)',
      yLabel: 'mean cosine to own HR embedding',
      xCategories: Array.from({ length: bins }, (_, i) => String(i + 1)),
    },
  );
  return [evr, binned];
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; } td { font-variant-numeric: tabular-nums; }
.banner { background: #b00020; color: #fff; font-size: 20px; font-weight: 700; padding: 14px 18px; margin: 12px 0; border-radius: 4px; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
.notes { color: #555; font-size: 12px; margin: 0 0 12px; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
`;

export function renderReportHtml(results: EvalResults): string {
  const body: string[] = ['<h1>Squint evaluation report</h1>'];
  if (!results.complete) body.push(`<div class="banner" role="alert">${escapeXml(incompleteText(results))}</div>`);
  body.push(htmlTable(runTable(results)), htmlTable(countsTable(results)));
  const plots = (svgs: string[]) => (svgs.length ? `<div class="plots">${svgs.join('\n')}</div>` : '');
  const id = results.identification;
  if (id.length) {
    body.push('<h2>Identification</h2>', htmlTable(identificationTable(id)));
    body.push(plots(metricVersusSize(id, (e) => e.metrics.cmc[1] ?? e.metrics.cmcCurve[0] ?? null, 'rank-1')));
    body.push(plots(cmcPlots(id)));
    const bins = breakdownTables(id);
    if (bins.length) body.push('<h2>By quality / face size</h2>', ...bins.map(htmlTable), plots(breakdownPlots(id)));
  }
  const ver = results.verification;
  if (ver.length) {
    body.push('<h2>Verification</h2>', htmlTable(verificationTable(ver)));
    body.push(plots(metricVersusSize(ver, (e) => e.metrics.accuracy.mean, 'accuracy')));
    body.push(plots(rocPlots(ver)), plots(histogramPlots(ver)));
    const evr = evrTables(ver);
    if (evr.length) body.push('<h2>Error versus reject</h2>', ...evr.map(htmlTable), plots(evrPlots(ver)));
  }
  if (results.quality?.length) {
    body.push('<h2>Quality</h2>');
    for (const e of results.quality) body.push(htmlTable(qualityTable(e)), plots(qualityPlots(e)));
  }
  if (results.notes?.length) body.push(`<ul>${results.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>`);
  body.push('<h2>Strategies</h2>');
  for (const s of results.recipe.strategies) {
    body.push(`<h3>${escapeXml(s.name)}</h3><pre>${escapeXml(JSON.stringify(s.pipeline, null, 2))}</pre>`);
  }
  body.push(htmlTable(packagesTable(results)));
  const title = `Squint evaluation: ${results.recipe.dataset.name}${results.complete ? '' : ' (INCOMPLETE)'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.filter(Boolean).join('\n')}
</body>
</html>
`;
}
