/**
 * Every error Squint throws on purpose is a SquintError with a stable `code`, the `input` it is
 * about (file name, model id, identity, ...) and a message that says what to do.
 */
export type SquintErrorCode =
  | 'IMAGE_DECODE'        // corrupt, truncated, empty or non-image bytes
  | 'IMAGE_TOO_LARGE'     // above the pixel limit (decompression-bomb guard)
  | 'IMAGE_TOO_SMALL'     // smaller than a stage can use
  | 'NO_FACE'             // detection found nothing where a face was required
  | 'MODEL_INVALID'       // not an ONNX model, or unreadable
  | 'MODEL_SHAPE'         // wrong input/output names, shapes or types
  | 'MODEL_OUTPUT'        // NaN/Inf or otherwise unusable output
  | 'WEIGHTS_INVALID'     // weight file with wrong names/shapes
  | 'GALLERY_FORMAT'      // unreadable or foreign gallery file
  | 'GALLERY_MODEL'       // gallery made by another model / dimension
  | 'UNKNOWN_STRATEGY'    // pipeline JSON names something not registered
  | 'INVALID_ARGUMENT'
  | 'DATASET';            // missing folder, empty split, ...

export class SquintError extends Error {
  readonly code: SquintErrorCode;
  readonly input?: string;
  constructor(code: SquintErrorCode, message: string, options: { input?: string; cause?: unknown } = {}) {
    super(options.input ? `${options.input}: ${message}` : message, { cause: options.cause });
    this.name = 'SquintError';
    this.code = code;
    this.input = options.input;
  }
}

export function isSquintError(e: unknown, code?: SquintErrorCode): e is SquintError {
  return e instanceof SquintError && (code === undefined || e.code === code);
}

/** Per-item outcome of batch work: the good items carry on, the bad ones are reported. */
export type ItemResult<T> = { ok: true; value: T } | { ok: false; error: SquintError };
