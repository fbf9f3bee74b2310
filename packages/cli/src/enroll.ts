import { existsSync } from 'node:fs';
import { createGallery, isSquintError, SquintError, type Gallery, type RgbImage } from '@squint/core';
import { loadGallery, saveGallery } from '@squint/node';
import type { CliContext } from './context';
import { collectEnrolItems } from './enrol-items';
import { startProgress } from './progress';

export interface EnrollOptions {
  gallery: string;
  /** Start a new gallery even if the file exists. */
  replace?: boolean;
  /** See Pipeline.detectAndAlign: images this small with no detection are treated as face crops. */
  cropFallbackMaxSide: number;
  batch?: number;
  progress: boolean;
}

export interface EnrollReport {
  gallery: string;
  enrolled: { file: string; identity: string; alignment: string; quality?: number }[];
  failed: { file: string; code: string; message: string }[];
  identities: number;
  embeddings: number;
}

/** Enrols the good images, reports the bad ones, and writes the gallery atomically once at the end. */
export async function enroll(ctx: CliContext, paths: string[], options: EnrollOptions): Promise<EnrollReport> {
  const items = collectEnrolItems(paths);
  if (items.length === 0) throw new SquintError('INVALID_ARGUMENT', 'no image files found', { input: paths.join(' ') });
  const { pipeline, runtime } = ctx;
  const gallery: Gallery = !options.replace && existsSync(options.gallery)
    ? await loadGallery(options.gallery, { modelId: pipeline.modelId, dim: pipeline.dim })
    : createGallery({ modelId: pipeline.modelId, dim: pipeline.dim });
  const report: EnrollReport = { gallery: options.gallery, enrolled: [], failed: [], identities: 0, embeddings: 0 };
  const fail = (file: string, e: unknown) => {
    if (!isSquintError(e)) throw e;
    report.failed.push({ file, code: e.code, message: e.message });
  };
  const progress = startProgress('enrol', items.length, options.progress);
  const batch = options.batch ?? 16;
  for (let start = 0; start < items.length; start += batch) {
    const chunk = items.slice(start, start + batch);
    const loaded: { item: (typeof chunk)[number]; image: RgbImage }[] = [];
    for (const item of chunk) {
      try {
        loaded.push({ item, image: await runtime.loadImage(item.file) });
      } catch (e) {
        fail(item.file, e);
      }
    }
    const results = await pipeline.embedBestFace(loaded.map((l) => l.image), {
      labels: loaded.map((l) => l.item.file),
      cropFallbackMaxSide: options.cropFallbackMaxSide,
    });
    results.forEach((r, i) => {
      const { item } = loaded[i];
      if (!r.ok) return fail(item.file, r.error);
      gallery.add(item.identity, r.value.embedding);
      report.enrolled.push({ file: item.file, identity: item.identity, alignment: r.value.face.alignment, quality: r.value.quality });
    });
    progress.tick(chunk.length);
  }
  progress.stop();
  if (report.enrolled.length > 0) await saveGallery(gallery, options.gallery);
  report.identities = gallery.size;
  report.embeddings = gallery.count;
  return report;
}
