import * as ort from 'onnxruntime-web';
import { SquintError, type InferenceRuntime, type ModelSource, type RgbImage, type SessionOptions } from '@squint/core';
import { checkExecutionProviders, checkThreads, type WebExecutionProvider } from './execution-provider';
import { describeModelSource, readModelBytes } from './model-bytes';
import { loadImage } from './load-image';
import { DEFAULT_PIXEL_LIMIT } from './pixel-limit';
import { probeWebGpu, type WebGpuAdapterInfo } from './webgpu-probe';
import { wrapSession, type WebModelSession } from './web-session';

export interface WebRuntimeOptions {
  /** In order of preference. Default ['webgpu', 'wasm']: WebGPU where an adapter exists, else wasm. */
  executionProviders?: WebExecutionProvider[];
  /**
   * wasm threads (onnxruntime-web's env.wasm.numThreads). More than one works only on a
   * cross-origin-isolated page (COOP same-origin + COEP require-corp); elsewhere onnxruntime
   * uses one thread. onnxruntime-web reads it once, when its first session starts.
   */
  threads?: number;
  /** Where onnxruntime-web finds its .wasm/.mjs files (env.wasm.wasmPaths): a URL prefix or per-file URLs. */
  wasmPaths?: string | Record<string, string>;
  /** loadImage refuses images with more pixels than this. Default DEFAULT_PIXEL_LIMIT (50 MP). */
  pixelLimit?: number;
}

/** Everything needed to tell why a page is slow or not on the GPU. */
export interface WebDiagnostics {
  runtime: string;
  executionProvider: WebExecutionProvider;
  /** Why WebGPU was preferred but is not used; undefined when nothing fell back. */
  fallbackReason: string | undefined;
  /** True only on a page served with COOP/COEP: the condition for multi-threaded wasm. */
  crossOriginIsolated: boolean;
  /** Threads onnxruntime-web is set to use; after the first session starts, the number it really uses. */
  wasmThreads: number | undefined;
  hardwareConcurrency: number | undefined;
  /** The adapter WebGPU would run on, when one was found. */
  webgpuAdapter: WebGpuAdapterInfo | undefined;
  onnxruntimeWeb: string | undefined;
}

export interface WebRuntime extends InferenceRuntime {
  /** 'onnxruntime-web/webgpu' or 'onnxruntime-web/wasm'; changes to wasm if a WebGPU session fails. */
  readonly name: string;
  readonly executionProvider: WebExecutionProvider;
  readonly fallbackReason: string | undefined;
  createSession(model: ModelSource, options?: SessionOptions): Promise<WebModelSession>;
  diagnostics(): WebDiagnostics;
}

// onnxruntime-web starts its wasm once per page and then ignores numThreads.
let wasmStarted = false;

/**
 * The browser runtime: onnxruntime-web sessions (WebGPU when the page has an adapter, else
 * wasm) and browser image input. onnxruntime-web's settings (threads, wasm paths) are per page,
 * so two runtimes on one page share them.
 */
export async function createWebRuntime(options: WebRuntimeOptions = {}): Promise<WebRuntime> {
  const preferred = checkExecutionProviders(options.executionProviders);
  checkThreads(options.threads);
  const pixelLimit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  if (!(pixelLimit > 0)) throw new SquintError('INVALID_ARGUMENT', `pixelLimit must be a positive number, got ${options.pixelLimit}`);
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (options.threads !== undefined) setThreads(options.threads);

  let executionProvider: WebExecutionProvider = 'wasm';
  let fallbackReason: string | undefined;
  let webgpuAdapter: WebGpuAdapterInfo | undefined;
  if (preferred[0] === 'webgpu') {
    const probe = await probeWebGpu();
    if (probe.ok) {
      executionProvider = 'webgpu';
      webgpuAdapter = probe.adapter;
    } else if (preferred.includes('wasm')) {
      fallbackReason = probe.reason;
    } else {
      throw new SquintError('INVALID_ARGUMENT', `WebGPU was the only execution provider asked for, but ${probe.reason}; add 'wasm' to executionProviders to fall back`);
    }
  }
  const canFallBack = executionProvider === 'webgpu' && preferred.includes('wasm');

  async function create(bytes: Uint8Array, ep: WebExecutionProvider): Promise<ort.InferenceSession> {
    try {
      return await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' });
    } finally {
      wasmStarted = true;
    }
  }

  const runtime: WebRuntime = {
    get name() {
      return `onnxruntime-web/${executionProvider}`;
    },
    get executionProvider() {
      return executionProvider;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    async createSession(model, sessionOptions = {}) {
      const label = sessionOptions.label ?? describeModelSource(model);
      checkThreads(sessionOptions.threads, label);
      if (sessionOptions.threads !== undefined) setThreads(sessionOptions.threads);
      const bytes = await readModelBytes(model, label);
      const ep = executionProvider;
      let firstError: unknown;
      try {
        return wrapSession(await create(bytes, ep), label, ep);
      } catch (e) {
        if (!(ep === 'webgpu' && canFallBack)) throw invalidModel(e, label, ep);
        firstError = e;
      }
      // WebGPU refused: if wasm takes the model, the fault is WebGPU's and the runtime moves
      // to wasm for good; if wasm refuses it too, the model is at fault and nothing changes.
      let session: ort.InferenceSession;
      try {
        session = await create(bytes, 'wasm');
      } catch (e) {
        throw invalidModel(e, label, 'wasm');
      }
      executionProvider = 'wasm';
      fallbackReason = `WebGPU could not create a session for ${label} (${errorMessage(firstError)}); using wasm from now on`;
      return wrapSession(session, label, 'wasm');
    },
    tensor(type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) {
      return new ort.Tensor(type, data, dims as number[]);
    },
    loadImage(input: unknown, label?: string): Promise<RgbImage> {
      return loadImage(input, label, { pixelLimit });
    },
    diagnostics() {
      const nav = globalThis.navigator as Navigator | undefined;
      return {
        runtime: runtime.name,
        executionProvider,
        fallbackReason,
        crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
        wasmThreads: ort.env.wasm.numThreads,
        hardwareConcurrency: nav?.hardwareConcurrency,
        webgpuAdapter,
        onnxruntimeWeb: ort.env.versions.web,
      };
    },
  } as WebRuntime;
  return runtime;
}

function setThreads(threads: number): void {
  // After start-up onnxruntime-web reports the thread count it really uses there; overwriting it
  // would make diagnostics() lie, and would change nothing.
  if (!wasmStarted) ort.env.wasm.numThreads = threads;
}

function invalidModel(cause: unknown, label: string, ep: WebExecutionProvider): SquintError {
  if (cause instanceof SquintError) return cause;
  const reason = errorMessage(cause);
  // onnxruntime-web reports a backend that never started (its .mjs/.wasm not found) the same
  // way as a bad model; the remedy is different, so say which it is.
  const hint = /no available backend|initializeWebAssembly|dynamically imported module/i.test(reason)
    ? `its ${ep} backend did not start; serve ort-wasm-simd-threaded.jsep.mjs and .wasm and point wasmPaths at them`
    : 'check that it is an ONNX file and that its operators are supported';
  return new SquintError('MODEL_INVALID', `onnxruntime-web (${ep}) could not load the model: ${reason}; ${hint}`, { input: label, cause });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
