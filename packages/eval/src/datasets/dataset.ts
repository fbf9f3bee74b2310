/**
 * What the loaders hand the runner: lists of paths with identities and roles, never pixels, so a
 * 160k-image TinyFace gallery costs a few megabytes until the runner streams through it.
 */

/**
 * What the images are, which decides how the runner brings them to the 112 template:
 * - `photos`: whole pictures (LFW funneled 250x250): detect, landmark, align;
 * - `crops`: face crops without a usable background (TinyFace, tracker output): the pipeline's crop
 *   mode (landmarks on an upscaled copy, else the crop-to-template rule);
 * - `aligned`: already on the ArcFace template: used as given.
 */
export type ImageKind = 'photos' | 'crops' | 'aligned';

export type DatasetRole = 'gallery' | 'probe' | 'distractor';

export interface ImageRef {
  /** Absolute path (loaders resolve relative paths against the dataset root). */
  path: string;
  /** Path relative to the dataset root: stable across machines, so it seeds per-image randomness. */
  key: string;
  identity: string;
}

export interface DatasetItem extends ImageRef {
  role: DatasetRole;
}

/** Closed-set identification: probes ranked against gallery matches plus distractors. */
export interface IdentificationDataset {
  /** e.g. "lfw-dev", "tinyface". */
  name: string;
  root: string;
  kind: ImageKind;
  gallery: DatasetItem[];
  probes: DatasetItem[];
  /** Gallery images whose identity matches no probe. */
  distractors: DatasetItem[];
  /** How the roles were decided, in words (goes into results.json). */
  split: string;
  splitSeed?: number;
}

export interface VerificationPair {
  left: ImageRef;
  right: ImageRef;
  same: boolean;
}

export interface PairsDataset {
  name: string;
  /** The pairs file. */
  file: string;
  /** Folder the pair paths are relative to. */
  root: string;
  kind: ImageKind;
  pairs: VerificationPair[];
}
