import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal specs written in another key order hash the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Short hex digest of the stable form: cache shard names. */
export function stableHash(value: unknown, length = 20): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, length);
}
