import { cosine, DEFAULT_VERIFY_THRESHOLD, SquintError, type Verification } from '@squint/core';
import type { CliContext } from './context';

export interface VerifyReport extends Verification {
  a: string;
  b: string;
}

export async function verify(ctx: CliContext, a: string, b: string, options: { threshold?: number; cropFallbackMaxSide: number }): Promise<VerifyReport> {
  const { pipeline, runtime } = ctx;
  const images = [await runtime.loadImage(a), await runtime.loadImage(b)];
  const [ra, rb] = await pipeline.embedBestFace(images, { labels: [a, b], cropFallbackMaxSide: options.cropFallbackMaxSide });
  if (!ra.ok) throw ra.error;
  if (!rb.ok) throw rb.error;
  if (!ra.value.accepted || !rb.value.accepted) {
    throw new SquintError('IMAGE_TOO_SMALL', 'face quality is below the pipeline\'s minQuality; refusing to verify', { input: !ra.value.accepted ? a : b });
  }
  const threshold = options.threshold ?? DEFAULT_VERIFY_THRESHOLD;
  const score = cosine(ra.value.embedding, rb.value.embedding);
  return { a, b, score, same: score >= threshold, threshold };
}
