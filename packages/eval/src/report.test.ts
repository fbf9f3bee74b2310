import { describe, expect, it } from 'vitest';
import { l2normalize } from '@squint/core';
import { identificationMetrics } from './identification';
import { qualityBreakdown } from './quality-breakdown';
import { createRandom } from './random';
import { renderReportHtml, renderReportMarkdown } from './report';
import type { EvalResults, IdentificationEntry, VerificationEntry } from './results';
import { linePlot } from './svg-plot';
import { NATIVE_SIDE, qualityMetrics, type QualityEntry } from './quality-protocol';
import { errorVersusReject } from './quality-breakdown';
import { scoreHistogram, verificationMetrics } from './verification';

/** A small but real run: metrics computed from synthetic scores whose separation grows with size. */
function results(complete: boolean): EvalResults {
  const rnd = createRandom(11);
  const gallery = Array.from({ length: 200 }, (_, j) => (j < 60 ? `id${j % 30}` : `d${j}`));
  const probes = Array.from({ length: 30 }, (_, i) => `id${i}`);
  const identification: IdentificationEntry[] = [];
  const verification: VerificationEntry[] = [];
  for (const strategy of ['baseline', 'esrgan']) {
    for (const size of [12, 16, 24, null]) {
      const signal = (size ?? 48) / 16 + (strategy === 'esrgan' ? 0.5 : 0);
      const scores = new Float32Array(probes.length * gallery.length).map((_, k) => {
        const [p, j] = [Math.floor(k / gallery.length), k % gallery.length];
        return rnd.normal() + (gallery[j] === probes[p] ? signal : 0);
      });
      const m = identificationMetrics(scores, probes, gallery);
      const { perProbe, ...summary } = m;
      const degradation = size === null ? 'original' : `bicubic@${size}`;
      identification.push({
        strategy,
        protocol: 'synthetic',
        degradation,
        size,
        metrics: summary,
        breakdowns: [{ covariate: 'quality', ...qualityBreakdown(perProbe.map(() => rnd.next()), perProbe, { bins: 3 }) }],
      });
      const pairScores: number[] = [];
      const same: boolean[] = [];
      for (let i = 0; i < 600; i++) (pairScores.push(rnd.normal() + (i % 2 ? 0 : signal)), same.push(i % 2 === 0));
      const gen = pairScores.filter((_, i) => same[i]);
      const imp = pairScores.filter((_, i) => !same[i]);
      const { calibratedThreshold, ...vs } = verificationMetrics(pairScores, same);
      verification.push({
        strategy,
        protocol: 'synthetic-pairs',
        degradation,
        size,
        metrics: vs,
        histogram: scoreHistogram(gen, imp, 30),
        errorVersusReject: [
          {
            quality: 'quality',
            ...errorVersusReject(
              gen.map((score) => ({ score, quality: score + rnd.normal() })),
              imp.map((score) => ({ score })),
              { fmr: 1e-2 },
            ),
          },
        ],
      });
      expect(typeof calibratedThreshold).toBe('function');
    }
  }
  return {
    schema: 'squint-eval/1',
    complete,
    ...(complete ? {} : { incompleteReason: 'interrupted after 2 of 4 sizes' }),
    recipe: {
      dataset: { name: 'synthetic <test> & co', split: 'test|dev', splitSeed: 1 },
      seed: 7,
      degradations: ['bicubic@12', 'bicubic@16', 'bicubic@24', 'original'],
      strategies: [
        { name: 'baseline', pipeline: { backbone: 'mobilefacenet' } },
        { name: 'esrgan', pipeline: { backbone: 'mobilefacenet', preprocessors: ['esrgan'] } },
      ],
      packages: { '@squint/eval': '0.1.0', 'onnxruntime-node': '1.31.1' },
    },
    counts: { probes: 30, gallery: 60, distractors: 140, skipped: 2, unreadable: 1, skippedExamples: [{ item: 'a|b.jpg', reason: 'corrupt' }] },
    identification,
    verification,
  };
}

/** Tags must nest; void HTML elements and self-closed SVG elements need no end tag. */
function checkWellFormed(html: string): void {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const [, close, name, rest] = m;
    const tag = name.toLowerCase();
    if (close) {
      expect(stack.pop(), `closing </${tag}>`).toBe(tag);
    } else if (!rest.endsWith('/') && !voids.has(tag)) {
      stack.push(tag);
    }
  }
  expect(stack).toEqual([]);
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(results(true));

  it('is a self-contained, well-formed page with inline SVG plots', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    checkWellFormed(html);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/i);
    const svgs = html.match(/<svg /g) ?? [];
    // rank-1 vs size, 4 CMC groups, 3 quality-bin plots x 8, accuracy vs size, 4 ROC, 8 histograms, 8 EVR
    expect(svgs.length).toBe(1 + 4 + 8 + 1 + 4 + 8 + 8);
    expect(html).toContain('CMC: synthetic / bicubic@16');
    expect(html).toContain('ROC: synthetic-pairs / original');
    expect(html).toContain('rank-1 vs face size: synthetic');
    expect(html).not.toContain('INCOMPLETE RUN');
  });

  it('escapes user text', () => {
    expect(html).toContain('synthetic &lt;test&gt; &amp; co');
    expect(html).not.toContain('<test>');
  });

  it('shows a prominent banner for an incomplete run', () => {
    const partial = renderReportHtml(results(false));
    expect(partial).toMatch(/<div class="banner"[^>]*>INCOMPLETE RUN: interrupted after 2 of 4 sizes/);
    expect(partial.indexOf('INCOMPLETE RUN')).toBeLessThan(partial.indexOf('<table'));
    expect(partial).toContain('<title>Squint evaluation: synthetic &lt;test&gt; &amp; co (INCOMPLETE)</title>');
    checkWellFormed(partial);
  });
});

describe('renderReportMarkdown', () => {
  it('tabulates every entry with the metrics it was given', () => {
    const r = results(true);
    const md = renderReportMarkdown(r);
    expect(md).toContain('| strategy | protocol | degradation | size | probes | with match | gallery | rank-1 | rank-5 | rank-10 | rank-20 | mAP |');
    const e = r.identification[0];
    expect(md).toContain(
      `| baseline | synthetic | bicubic@12 | 12px | 30 | 30 | 200 | ${(e.metrics.cmc[1] * 100).toFixed(2)} | ${(e.metrics.cmc[5] * 100).toFixed(2)} |`,
    );
    expect(md).toContain('TAR@FAR=0.1 | TAR@FAR=0.01 | TAR@FAR=1e-3 | TAR@FAR=1e-4');
    // 300 impostors cannot measure 1e-3 or 1e-4: the table says n/a and explains why.
    expect(md).toContain('- n/a in every row: only 300 impostor pairs: FAR 0.0001 needs at least 10000 to allow one false accept');
    expect(md).toContain('| split | test\\|dev |');
    expect(md).toContain('- skipped a|b.jpg: corrupt');
    expect(md).not.toContain('INCOMPLETE');
    expect(renderReportMarkdown(results(false))).toMatch(/^# Squint evaluation report\n\n> \*\*INCOMPLETE RUN: interrupted/);
  });
});

describe('quality section', () => {
  // Probes whose drawn width decides how far their embedding drifts; one estimator follows the width.
  const rnd = createRandom(3);
  const unit = () => l2normalize(Float32Array.from({ length: 32 }, () => rnd.normal()));
  const mix = (a: Float32Array, w: number) => l2normalize(a.map((v) => v + w * rnd.normal() / Math.sqrt(32)));
  const gallery = Array.from({ length: 50 }, (_, k) => ({ identity: `id${k}`, embedding: unit() }));
  const probes = gallery.map((g, k) => {
    const size = 12 + ((k * 37) % 100);
    const hr = mix(g.embedding, 0.3);
    return { key: `id${k}/2.jpg`, identity: g.identity, size, hr, degraded: mix(hr, 60 / size), scores: [Math.log(size) + rnd.normal() * 0.2] };
  });
  const entry: QualityEntry = {
    strategy: 'baseline',
    protocol: 'quality',
    degradation: 'bicubic@12~112',
    sizeRange: [12, 112],
    ...qualityMetrics(probes, gallery, [{ name: 'classical', spec: 'classical', msPerFace: 0.25 }], { fmr: 1e-2 }),
  };
  const r: EvalResults = { ...results(true), quality: [entry] };

  it('tabulates Spearman and FNMR at 0/10/20/30/50 % rejected per estimator, reference first', () => {
    const md = renderReportMarkdown(r);
    expect(md).toContain('## Quality');
    expect(md).toContain('Quality: baseline / bicubic@12~112: 50 probes, 50 genuine / 2450 impostor comparisons; FNMR (%) at FMR 0.01');
    expect(md).toContain('| estimator | scored | Spearman vs recognisability | ms/face | FNMR @ 0% rejected | FNMR @ 10% rejected | FNMR @ 20% rejected | FNMR @ 30% rejected | FNMR @ 50% rejected |');
    const est = entry.estimators[1];
    const at = (f: number) => (est.errorVersusReject.points[entry.fractions.indexOf(f)].fnmr! * 100).toFixed(2);
    expect(md).toContain(`| classical | 50 | ${est.spearman!.toFixed(3)} | 0.25 | ${at(0)} | ${at(0.1)} | ${at(0.2)} | ${at(0.3)} | ${at(0.5)} |`);
    expect(md.indexOf(`| ${NATIVE_SIDE} | 50 |`)).toBeLessThan(md.indexOf('| classical | 50 |'));
    expect(renderReportMarkdown(results(true))).not.toContain('## Quality');
  });

  it('plots one error-versus-reject line per estimator and recognisability by score bin', () => {
    const html = renderReportHtml(r);
    checkWellFormed(html);
    expect(html).toContain('<h2>Quality</h2>');
    const evr = html.slice(html.indexOf('<title>Error vs reject: baseline / bicubic@12~112</title>'));
    expect(evr.slice(0, evr.indexOf('</svg>')).match(/<path /g)).toHaveLength(2);
    expect(html).toContain('Recognisability by score: baseline / bicubic@12~112');
    expect(html).not.toMatch(/NaN|Infinity/);
  });
});

describe('linePlot', () => {
  it('leaves non-positive x out on a log axis and adds the namespace only when standalone', () => {
    const svg = linePlot([{ name: 'roc', points: [[0, 0], [0.01, 50], [1, 100]] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      xScale: 'log',
      standalone: true,
    });
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect((svg.match(/<circle/g) ?? []).length).toBe(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
