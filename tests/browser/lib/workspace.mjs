// Helpers for the workspace browser tests: API calls made from a logged-in
// page (its cookies and CSRF token), a small PNG made here, and text no
// earlier run can have written that a Japanese substring search finds.

import { deflateSync } from 'node:zlib';
import { API_PREFIX } from './browser.mjs';

/**
 * A call to the public API from the page (same origin, its session); returns
 * {status, body}. Writes send the CSRF token read from /me.
 */
export async function pageApi(page, method, path, body) {
  return page.evaluate(async ({ method, url, body, me }) => {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const r = await fetch(me, { credentials: 'same-origin', cache: 'no-store' });
      headers['X-CSRF-Token'] = (await r.json()).csrf;
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    return { status: res.status, body: data };
  }, { method, url: API_PREFIX + path, body, me: `${API_PREFIX}/me` });
}

/** Like pageApi, but throws unless the answer is 2xx; returns the body. */
export async function pageApiOk(page, method, path, body) {
  const r = await pageApi(page, method, path, body);
  if (r.status < 200 || r.status > 299) {
    throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG of width × height in one colour. */
export function pngImage(width = 24, height = 16, [r, g, b] = [15, 107, 92]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Katakana no earlier run can have produced (for Japanese search). */
export function uniqueKana(n = 6) {
  const kana = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ';
  let s = '';
  for (let i = 0; i < n; i++) s += kana[Math.floor(Math.random() * kana.length)];
  return s;
}
