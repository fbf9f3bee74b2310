import { appendFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One append-only file of (key -> bytes) records: what the evaluator caches per (pipeline,
 * degradation, seed) for embeddings, and per detection setup for aligned crops. Layout per record:
 * u32 payload length, u16 key length, key (UTF-8), payload. A record cut short by a crash is
 * dropped (and the file truncated to the last whole record) on the next open, so the cache never
 * poisons a run. With no folder the shard lives in memory only.
 */
export class CacheShard {
  private readonly records = new Map<string, Uint8Array>();
  private pending: Buffer[] = [];
  /** Records read from disk when the shard was opened. */
  loaded = 0;

  private constructor(private readonly file: string | undefined) {}

  static async open(dir: string | undefined, name: string, meta: unknown): Promise<CacheShard> {
    if (!dir) return new CacheShard(undefined);
    await mkdir(dir, { recursive: true });
    const shard = new CacheShard(join(dir, `${name}.bin`));
    // The sidecar says what the opaque name stands for, for a person looking into the folder.
    await writeFile(join(dir, `${name}.json`), JSON.stringify(meta, null, 2) + '\n');
    await shard.load();
    return shard;
  }

  get size(): number {
    return this.records.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.records.get(key);
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  put(key: string, payload: Uint8Array): void {
    this.records.set(key, payload);
    if (!this.file) return;
    const k = Buffer.from(key, 'utf8');
    const head = Buffer.alloc(6);
    head.writeUInt32LE(payload.length, 0);
    head.writeUInt16LE(k.length, 4);
    this.pending.push(head, k, Buffer.from(payload.buffer, payload.byteOffset, payload.length));
  }

  /** Appends what was put since the last flush. */
  async flush(): Promise<void> {
    if (!this.file || this.pending.length === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    await appendFile(this.file, data);
  }

  private async load(): Promise<void> {
    const data = await readFile(this.file!).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!data) return;
    let at = 0;
    while (at + 6 <= data.length) {
      const len = data.readUInt32LE(at);
      const klen = data.readUInt16LE(at + 4);
      const end = at + 6 + klen + len;
      if (end > data.length) break;
      const key = data.toString('utf8', at + 6, at + 6 + klen);
      // Copy out: the file buffer would otherwise be kept alive by every slice.
      this.records.set(key, new Uint8Array(data.subarray(at + 6 + klen, end)));
      at = end;
      this.loaded++;
    }
    if (at < data.length) await truncate(this.file!, at);
  }
}
