// Byte-exact string helpers, so the mock measures and sorts like the Rust host (UTF-8 bytes).

/** Length of `s` in UTF-8 bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The longest prefix of `s` that fits in `maxBytes` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(s, maxBytes) {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i);
    const units = cp > 0xffff ? 2 : 1;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n + bytes > maxBytes) break;
    n += bytes;
    i += units;
  }
  return s.slice(0, i);
}

/** Orders strings by code point, which is the byte order of their UTF-8 (Rust's `str` order). */
export function compareCodePoints(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i);
    const cb = b.codePointAt(j);
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url of the UTF-8 of `s`. */
export function base64url(s) {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out += B64URL[(triple >> 18) & 63] + B64URL[(triple >> 12) & 63];
    if (i + 1 < bytes.length) out += B64URL[(triple >> 6) & 63];
    if (i + 2 < bytes.length) out += B64URL[triple & 63];
  }
  return out;
}

/** Inverse of `base64url`: the UTF-8 text. Throws on characters outside the alphabet. */
export function fromBase64url(s) {
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of s) {
    const v = B64URL.indexOf(ch);
    if (v < 0) throw new TypeError(`not base64url: ${JSON.stringify(ch)}`);
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** JSON text with object keys sorted, for comparing JSON values. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
