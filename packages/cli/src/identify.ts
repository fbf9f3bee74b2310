import { isSquintError, type Box, type Match } from '@squint/core';
import { loadGallery } from '@squint/node';
import type { CliContext } from './context';
import { startProgress } from './progress';

export interface IdentifyOptions {
  gallery: string;
  top: number;
  cropFallbackMaxSide: number;
  progress: boolean;
}

export interface IdentifiedFace {
  box?: Box;
  alignment: string;
  quality?: number;
  accepted: boolean;
  matches: Match[];
}

export interface IdentifyReport {
  results: { file: string; faces: IdentifiedFace[] }[];
  failed: { file: string; code: string; message: string }[];
}

export async function identify(ctx: CliContext, files: string[], options: IdentifyOptions): Promise<IdentifyReport> {
  const { pipeline, runtime } = ctx;
  const gallery = await loadGallery(options.gallery, { modelId: pipeline.modelId, dim: pipeline.dim });
  const report: IdentifyReport = { results: [], failed: [] };
  const progress = startProgress('identify', files.length, options.progress);
  for (const file of files) {
    try {
      const image = await runtime.loadImage(file);
      const [faces] = await pipeline.identifyImages([image], gallery, options.top, { cropFallbackMaxSide: options.cropFallbackMaxSide });
      if (faces.length === 0) {
        report.failed.push({ file, code: 'NO_FACE', message: `${file}: no face detected` });
      } else {
        report.results.push({
          file,
          faces: faces.map((f) => ({ box: f.face.box, alignment: f.face.alignment, quality: f.quality, accepted: f.accepted, matches: f.matches })),
        });
      }
    } catch (e) {
      if (!isSquintError(e)) throw e;
      report.failed.push({ file, code: e.code, message: e.message });
    }
    progress.tick();
  }
  progress.stop();
  return report;
}
