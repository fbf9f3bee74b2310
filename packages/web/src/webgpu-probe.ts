/** What the page's WebGPU offers, read from the adapter without creating a device. */
export interface WebGpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
  /** True for a software adapter (SwiftShader): correct, but far slower than wasm. */
  isFallbackAdapter?: boolean;
}

export type WebGpuProbe = { ok: true; adapter: WebGpuAdapterInfo } | { ok: false; reason: string };

interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/**
 * Asks navigator.gpu for an adapter. A null adapter is common (blocklisted driver, headless
 * Chromium without --enable-unsafe-webgpu), so it is an answer with a reason, not an error.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { ok: false, reason: 'navigator.gpu is absent: this browser has no WebGPU, or it is disabled' };
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) {
    return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null: no usable GPU adapter (blocklisted driver, or headless Chromium without --enable-unsafe-webgpu)' };
  }
  const info = adapter.info ?? {};
  return {
    ok: true,
    adapter: {
      vendor: info.vendor || undefined,
      architecture: info.architecture || undefined,
      description: info.description || undefined,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
    },
  };
}
