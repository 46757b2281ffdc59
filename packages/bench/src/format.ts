// How the reports write figures: microseconds below a millisecond, milliseconds above; a sign for added latency.
import type { Estimate } from './paired.js';

export const us = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${Math.round(v)} µs`) : '–');
export const plus = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${us(Math.abs(v))}` : '–');
/** An estimate with its 95 % interval: `+673 µs [+656 µs, +697 µs]`. */
export const withInterval = (e: Estimate) => `${plus(e.value)} [${plus(e.low)}, ${plus(e.high)}]`;
