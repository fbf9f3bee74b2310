// Squint in a dozen calls: enrol every face of a group photo, pretend the camera is far away by
// shrinking the photo until the faces are ~24 px tall, then find and identify them again.
//
//   node --conditions=@squint/source --import tsx examples/node-identify/src/identify.ts [photo.jpg] [faceHeightPx]
//
// Only public APIs of @squint/core, @squint/node and @squint/models are used.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { createGallery, resize } from '@squint/core';
import { createDefaultPipeline, iou } from '@squint/models';
import { createNodeRuntime } from '@squint/node';

const photoPath = process.argv[2] ?? createRequire(import.meta.url).resolve('@vladmandic/face-api/demo/sample1.jpg');
const faceHeight = Number(process.argv[3] ?? 24);

const runtime = createNodeRuntime();
const pipeline = await createDefaultPipeline(runtime);

// 1. Enrol: every face in the full-resolution photo becomes an identity, named by its position.
//    Enrolment photos are sharp by definition: detections under 32 px are the small-face
//    pyramid's occasional false positives on texture, not people to enrol.
const photo = await runtime.loadImage(photoPath);
const enrolled = (await pipeline.embedImages([photo]))[0].filter((f) => f.face.box!.height >= 32);
if (enrolled.length === 0) {
  console.error(`${photoPath}: no face found to enrol`);
  process.exit(1);
}
enrolled.sort((a, b) => a.face.box!.x - b.face.box!.x);
const gallery = createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });
const names = enrolled.map((_, i) => `person ${i + 1}`);
enrolled.forEach((f, i) => gallery.add(names[i], f.embedding));

// 2. The distant camera: shrink so that the median face is `faceHeight` px tall.
const heights = enrolled.map((f) => f.face.box!.height).sort((a, b) => a - b);
const scale = Math.min(1, faceHeight / heights[Math.floor(heights.length / 2)]);
const small = resize(photo, Math.round(photo.width * scale), Math.round(photo.height * scale), 'area');

// 3. Detect and identify in the small photo.
const [found] = await pipeline.identifyImages([small], gallery, 2);

// Ground truth by position: an enrolled face was found when a detection overlaps its shrunk box (IoU >= 0.3).
const rows = enrolled.map((f, i) => {
  const b = f.face.box!;
  const truth = { x: b.x * scale, y: b.y * scale, width: b.width * scale, height: b.height * scale };
  const hit = found.find((d) => d.face.box && iou(d.face.box, truth) >= 0.3);
  const [first, second] = hit?.matches ?? [];
  return {
    face: names[i],
    'enrolled at': `${Math.round(b.height)} px`,
    'seen at': hit ? `${Math.round(hit.face.box!.height)} px` : '-',
    'identified as': hit ? first.identity : 'not detected',
    cosine: first ? first.score.toFixed(3) : '',
    'runner-up': second ? `${second.identity} ${second.score.toFixed(3)}` : '',
    correct: hit ? (first.identity === names[i] ? 'yes' : 'NO') : '-',
  };
});

console.log(`${basename(photoPath)}: ${enrolled.length} faces enrolled at ${photo.width}x${photo.height}; ` +
  `shrunk to ${small.width}x${small.height} (faces ~${faceHeight} px), ${found.length} faces detected there.\n`);
const columns = Object.keys(rows[0]) as (keyof (typeof rows)[number])[];
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(columns));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(columns.map((c) => r[c])));
const correct = rows.filter((r) => r.correct === 'yes').length;
console.log(`\nrank-1: ${correct}/${rows.length} faces identified correctly at ~${faceHeight} px.`);
