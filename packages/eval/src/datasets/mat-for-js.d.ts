// mat-for-js ships no types; this is the part of its API the TinyFace loader uses.
declare module 'mat-for-js' {
  export function read(data: ArrayBuffer): { header: string; data: Record<string, unknown> };
}
