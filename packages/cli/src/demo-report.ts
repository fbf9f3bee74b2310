import { resize, type RgbImage } from '@squint/core';
import { encodeImage } from '@squint/node';
import type { DemoResult } from './demo';

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');

/** The per-distance table printed by `squint demo`. */
export function demoTable(r: DemoResult): string {
  const head = ['face height', 'faces', 'found', 'rank-1 (all faces)', 'rank-1 (found faces)', 'rank-1 (given boxes)', 'false det.'];
  const rows = r.distances.map((d) => [
    `${d.faceHeight} px`, `${d.faces}`, `${d.found} (${pct(d.found, d.faces)})`,
    pct(d.correct, d.faces), pct(d.correct, d.found), pct(d.correctGivenBox, d.faces), `${d.falseDetections}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function dataUrl(img: RgbImage, size = 96): Promise<string> {
  // Nearest-neighbour for display so a 16 px face looks like the 16 px face it is.
  const shown = img.width === size && img.height === size ? img : resize(img, size, size, 'nearest');
  return `data:image/png;base64,${Buffer.from(await encodeImage(shown, 'png')).toString('base64')}`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained HTML page: the table, then per distance every face as HR | LR | identified. */
export async function demoHtml(r: DemoResult): Promise<string> {
  const hrById = new Map(r.enrolled.map((f) => [f.identity, f.hrCrop]));
  const sections: string[] = [];
  for (const d of r.distances) {
    const cells: string[] = [];
    for (const p of d.probes) {
      const hr = hrById.get(p.identity)!;
      const guess = p.predicted ? hrById.get(p.predicted) : undefined;
      const ok = p.predicted === p.identity;
      cells.push(`<figure class="${ok ? 'ok' : 'bad'}">
<img src="${await dataUrl(hr)}" title="enrolled ${esc(p.identity)}"><img src="${p.lrCrop ? await dataUrl(p.lrCrop) : ''}" title="as seen at ${d.faceHeight} px">${guess ? `<img src="${await dataUrl(guess)}" title="identified as ${esc(p.predicted!)}">` : '<span class="none">not found</span>'}
<figcaption>${esc(p.identity)}<br>${p.found ? `${ok ? '✓' : '✗'} ${esc(p.predicted ?? '?')} ${p.score?.toFixed(2) ?? ''}` : 'not detected'}</figcaption></figure>`);
    }
    sections.push(`<h2>Faces ~${d.faceHeight} px tall: found ${d.found}/${d.faces}, rank-1 ${pct(d.correct, d.faces)}</h2>\n<div class="grid">${cells.join('\n')}</div>`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Squint demo</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
.grid{display:flex;flex-wrap:wrap;gap:10px}figure{margin:0;padding:6px;border:2px solid #ccc;border-radius:6px}figure.ok{border-color:#3a3}figure.bad{border-color:#c33}
figure img{width:64px;height:64px;image-rendering:pixelated;margin-right:2px}figcaption{font-size:11px;max-width:200px}.none{display:inline-block;width:64px;font-size:11px;color:#c33}</style></head>
<body><h1>Squint demo: recognising faces as the camera moves away</h1>
<p>${r.photos.length} group photos, ${r.enrolled.length} faces enrolled at full resolution. Each face below: enrolled crop | the face as detected in the shrunk photo (shown enlarged, pixelated) | the enrolled face it was identified as. Green = correct.</p>
<pre>${esc(demoTable(r))}</pre>
${sections.join('\n')}
<p>Made by <code>squint demo</code> in ${(r.totalMs / 1000).toFixed(1)} s.</p></body></html>`;
}
