// Object ids as the API makes them: a prefix naming the kind (`agent`, `sesn`, `req`, ...), then
// `_01` and 22 characters of a Crockford-like base-58 alphabet.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz";

export function newId(prefix: string): string {
  let out = `${prefix}_01`;
  for (const b of randomBytes(22)) out += ALPHABET[b % ALPHABET.length];
  return out;
}
