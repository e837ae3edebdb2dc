/**
 * The TCP sockets this process listens on, read from Linux's /proc (no privileges, no tools): each
 * socket's local address and port from /proc/net/tcp{,6}, kept when its inode is one of this process's
 * open file descriptors. For tests that check what a server really bound, whatever its options said.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

const LISTEN_STATE = '0A';

export function listeningSocketsOfThisProcess(): ListeningSocket[] {
  const ownInodes = new Set(
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1] ?? []].flat();
      } catch {
        return []; // closed between the listing and the read
      }
    }),
  );
  return [...sockets('/proc/net/tcp', ipv4), ...sockets('/proc/net/tcp6', ipv6)].filter((socket) =>
    ownInodes.has(socket.inode),
  );
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function sockets(file: string, decode: (hex: string) => string): ListeningSocket[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === LISTEN_STATE)
    .map((fields) => {
      const [addressHex = '', portHex = ''] = (fields[1] ?? '').split(':');
      return { address: decode(addressHex), port: Number.parseInt(portHex, 16), inode: fields[9] ?? '' };
    });
}

/** /proc writes an IPv4 address as one little-endian 32-bit word: 0100007F is 127.0.0.1. */
function ipv4(hex: string): string {
  return littleEndianBytes(hex).join('.');
}

/** Four little-endian 32-bit words; shown uncompressed except for the two forms tests compare with. */
function ipv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((offset) => littleEndianBytes(hex.slice(offset, offset + 8)));
  if (bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) return '::1';
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

function littleEndianBytes(word: string): number[] {
  const bytes: number[] = [];
  for (let i = word.length - 2; i >= 0; i -= 2) bytes.push(Number.parseInt(word.slice(i, i + 2), 16));
  return bytes;
}
