/**
 * CRC-32 (the IEEE polynomial, as zlib and gzip compute it) of a text's UTF-8 bytes, one bit at a
 * time. A key's checksum covers 50 ASCII bytes, so the loop is about 400 steps and needs no lookup
 * table: zlib's import and the table-driven libraries' start-up work both cost the authorizer's cold
 * start more than this costs a request (docs/decisions/0027-crc32-without-zlib.md).
 */
const REVERSED_POLYNOMIAL = 0xedb88320;

export function crc32(text: string): number {
  let crc = 0xffffffff;
  // Buffer, not TextEncoder: the TextEncoder global loads a module of Node's on first use.
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ REVERSED_POLYNOMIAL : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
