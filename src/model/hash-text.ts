/**
 * The 32-bit FNV-1a hash of a text's UTF-16 code units, from `basis` (FNV's offset basis unless given): short, stable
 * ids (a machine's fingerprint) and seeds (a unit's shuffle).
 */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
