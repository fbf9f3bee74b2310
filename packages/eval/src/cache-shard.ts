import { appendFile, mkdir, open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export interface CacheShardOptions {
  /**
   * Keep only an index in memory and read records from the file when asked (aligned crops are
   * 37 KB each: a large photo set would not fit). Default false: every record in memory.
   */
  lazy?: boolean;
}

/**
 * One append-only file of (key -> bytes) records: what the evaluator caches per (pipeline,
 * degradation, seed) for embeddings, and per detection setup for aligned crops. Layout per record:
 * u32 payload length, u16 key length, key (UTF-8), payload. A record cut short by a crash is
 * dropped (and the file truncated to the last whole record) on the next open, so the cache never
 * poisons a run. With no folder the shard lives in memory only.
 */
export class CacheShard {
  private readonly records = new Map<string, Uint8Array>();
  /** Lazy mode: where each flushed record's payload lies in the file. */
  private readonly offsets = new Map<string, [offset: number, length: number]>();
  private pending: { key: string; parts: Buffer[] }[] = [];
  private fileSize = 0;
  private handle: FileHandle | undefined;
  /** Records read from disk when the shard was opened. */
  loaded = 0;

  private constructor(private readonly file: string | undefined, private readonly lazy: boolean) {}

  static async open(dir: string | undefined, name: string, meta: unknown, options: CacheShardOptions = {}): Promise<CacheShard> {
    if (!dir) return new CacheShard(undefined, false);
    await mkdir(dir, { recursive: true });
    const shard = new CacheShard(join(dir, `${name}.bin`), options.lazy ?? false);
    // The sidecar says what the opaque name stands for, for a person looking into the folder.
    await writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(meta, null, 2) + '\n');
    await shard.load();
    return shard;
  }

  get size(): number {
    return this.records.size + this.offsets.size;
  }

  has(key: string): boolean {
    return this.records.has(key) || this.offsets.has(key);
  }

  /** The record, from memory or (lazy mode) from the file. */
  async read(key: string): Promise<Uint8Array | undefined> {
    const inMemory = this.records.get(key);
    if (inMemory) return inMemory;
    const at = this.offsets.get(key);
    if (!at) return undefined;
    this.handle ??= await open(this.file!, 'r');
    const out = new Uint8Array(at[1]);
    await this.handle.read(out, 0, at[1], at[0]);
    return out;
  }

  /** Synchronous lookup for memory-mode shards. */
  get(key: string): Uint8Array | undefined {
    return this.records.get(key);
  }

  put(key: string, payload: Uint8Array): void {
    this.records.set(key, payload);
    if (!this.file) return;
    const k = Buffer.from(key, 'utf8');
    const head = Buffer.alloc(6);
    head.writeUInt32LE(payload.length, 0);
    head.writeUInt16LE(k.length, 4);
    this.pending.push({ key, parts: [head, k, Buffer.from(payload.buffer, payload.byteOffset, payload.length)] });
  }

  /** Appends what was put since the last flush (lazy mode then forgets the payloads). */
  async flush(): Promise<void> {
    if (!this.file || this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    await appendFile(this.file, Buffer.concat(pending.flatMap((p) => p.parts)));
    for (const { key, parts } of pending) {
      const start = this.fileSize + parts[0].length + parts[1].length;
      this.fileSize = start + parts[2].length;
      if (this.lazy) {
        this.offsets.set(key, [start, parts[2].length]);
        this.records.delete(key);
      }
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }

  private async load(): Promise<void> {
    const size = (await stat(this.file!).catch(() => undefined))?.size ?? 0;
    if (size === 0) return;
    const fh = await open(this.file!, 'r');
    try {
      // Read in blocks; a record is parsed once its header, key and payload are all in hand.
      let at = 0;
      let buf = Buffer.alloc(0);
      let bufStart = 0;
      const ensure = async (end: number): Promise<boolean> => {
        if (end > size) return false;
        if (end <= bufStart + buf.length) return true;
        const want = Math.max(end - at, 1 << 20);
        const chunk = Buffer.alloc(Math.min(want, size - at));
        await fh.read(chunk, 0, chunk.length, at);
        buf = chunk;
        bufStart = at;
        return true;
      };
      while (await ensure(at + 6)) {
        const len = buf.readUInt32LE(at - bufStart);
        const klen = buf.readUInt16LE(at - bufStart + 4);
        const keyEnd = at + 6 + klen;
        const end = keyEnd + len;
        if (end > size) break;
        if (this.lazy) {
          await ensure(keyEnd);
          this.offsets.set(buf.toString('utf8', at - bufStart + 6, keyEnd - bufStart), [keyEnd, len]);
        } else {
          await ensure(end);
          // Copy out: the block would otherwise be kept alive by every slice.
          this.records.set(buf.toString('utf8', at - bufStart + 6, keyEnd - bufStart), new Uint8Array(buf.subarray(keyEnd - bufStart, end - bufStart)));
        }
        at = end;
        this.loaded++;
      }
      this.fileSize = at;
    } finally {
      await fh.close();
    }
    if (this.fileSize < size) await truncate(this.file!, this.fileSize);
  }
}
