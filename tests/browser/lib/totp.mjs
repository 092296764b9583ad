// Time-based one-time passwords (RFC 6238, HOTP of RFC 4226 underneath),
// computed in Node the way an authenticator app does, for tests that enrol
// and log in with two-factor authentication.
//
//   import { totp, currentStep, base32Decode } from './lib/totp.mjs';
//   const code = totp(secretFromThePage);            // now
//   const next = totp(secret, { step: currentStep() + 1 });

import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const PERIOD_S = 30;

/** Bytes of an RFC 4648 base32 text (spaces, dashes, padding and case ignored). */
export function base32Decode(text) {
  const clean = String(text).toUpperCase().replace(/[\s=-]/g, '');
  const out = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    const i = ALPHABET.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${JSON.stringify(c)} in ${JSON.stringify(text)}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226) of key (bytes) at counter. */
export function hotp(key, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The time step (30-second window) of a moment, in ms since the epoch. */
export function currentStep(nowMs = Date.now(), period = PERIOD_S) {
  return Math.floor(nowMs / 1000 / period);
}

/** Milliseconds until the next time step begins. */
export function msToNextStep(nowMs = Date.now(), period = PERIOD_S) {
  return period * 1000 - (nowMs % (period * 1000));
}

/**
 * The TOTP code of a base32 secret, for a time step (default: now).
 * opts.key (bytes) replaces the secret, for test vectors.
 */
export function totp(secret, { step, nowMs, digits = 6, algorithm = 'sha1', key } = {}) {
  const k = key || base32Decode(secret);
  const s = step ?? currentStep(nowMs ?? Date.now());
  return hotp(k, s, { digits, algorithm });
}
