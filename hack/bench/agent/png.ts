// A dependency-free PNG chart: cumulative distribution (CDF) lines of latency samples, drawn into an
// RGB pixel buffer and encoded with node:zlib (deflate + crc32). Tick labels use a 3x5 pixel digit font
// so no font or browser is needed; the legend (series colours) is printed in the Markdown report.
import { crc32, deflateSync } from 'node:zlib';

export type Rgb = [number, number, number];

export const SERIES_COLOURS: Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [140, 86, 75],
  [23, 190, 207],
  [127, 127, 127],
  [188, 189, 34],
];
export const COLOUR_NAMES = ['blue', 'red', 'green', 'orange', 'purple', 'brown', 'cyan', 'grey', 'olive'];

// 3x5 glyphs, one row per string (bit 2 = left column).
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
  '%': [5, 1, 2, 4, 5],
  m: [0, 0, 7, 7, 5],
  s: [0, 3, 6, 1, 6],
};

class Canvas {
  readonly w: number;
  readonly h: number;
  readonly px: Uint8Array;
  constructor(w: number, h: number) {
    this.w = w;
    this.h = h;
    this.px = new Uint8Array(w * h * 3).fill(255);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    const i = (y * this.w + x) * 3;
    this.px[i] = c[0];
    this.px[i + 1] = c[1];
    this.px[i + 2] = c[2];
  }
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.set(x + dx, y + dy, c);
    }
  }
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    for (const ch of s) {
      const g = GLYPHS[ch];
      if (g) {
        g.forEach((row, ry) => {
          for (let rx = 0; rx < 3; rx++) {
            if (row & (4 >> rx)) {
              for (let a = 0; a < scale; a++)
                for (let b = 0; b < scale; b++) this.set(x + rx * scale + a, y + ry * scale + b, c);
            }
          }
        });
      }
      x += 4 * scale;
    }
  }
  png(): Buffer {
    const raw = Buffer.alloc((this.w * 3 + 1) * this.h);
    for (let y = 0; y < this.h; y++) {
      raw[y * (this.w * 3 + 1)] = 0; // filter: none
      Buffer.from(this.px.buffer, y * this.w * 3, this.w * 3).copy(raw, y * (this.w * 3 + 1) + 1);
    }
    const chunk = (type: string, data: Buffer): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(td) >>> 0);
      return Buffer.concat([len, td, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.w, 0);
    ihdr.writeUInt32BE(this.h, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type RGB
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

/**
 * CDF plot: x = latency in ms on a log scale (1 ms .. the largest sample, decades 1, 10, 100, ...), so
 * a 20 ms and a 10 s distribution are both readable; y = share of objects (0..100 %). One line per
 * series, in SERIES_COLOURS order.
 */
export function renderCdfPng(series: { samples: number[] }[], width = 900, height = 480): Buffer {
  const c = new Canvas(width, height);
  const left = 60;
  const right = width - 20;
  const top = 20;
  const bottom = height - 40;
  const all = series.flatMap((s) => s.samples);
  const decades = Math.max(2, Math.ceil(Math.log10(Math.max(10, ...all))));
  const grey: Rgb = [220, 220, 220];
  const black: Rgb = [0, 0, 0];
  const X = (ms: number): number => left + ((right - left) * Math.log10(Math.max(1, ms))) / decades;
  const Y = (f: number): number => bottom - (bottom - top) * f;
  for (let d = 0; d <= decades; d++) {
    for (let m = 2; m < 10 && d < decades; m++)
      c.line(X(m * 10 ** d), top, X(m * 10 ** d), bottom, [240, 240, 240]);
    c.line(X(10 ** d), top, X(10 ** d), bottom, grey);
    const label = `${10 ** d}`;
    c.text(X(10 ** d) - label.length * 4, bottom + 8, label, black);
  }
  c.text(right - 30, bottom + 24, 'ms', black);
  for (let f = 0; f <= 1.0001; f += 0.25) {
    c.line(left, Y(f), right, Y(f), grey);
    const label = `${Math.round(f * 100)}%`;
    c.text(left - 8 - label.length * 8, Y(f) - 5, label, black);
  }
  c.line(left, bottom, right, bottom, black);
  c.line(left, top, left, bottom, black);
  series.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    const sorted = [...s.samples].sort((a, b) => a - b);
    let px = X(0);
    let py = Y(0);
    sorted.forEach((ms, k) => {
      const nx = X(ms);
      const ny = Y((k + 1) / sorted.length);
      c.line(px, py, nx, py, colour, 2); // step function
      c.line(nx, py, nx, ny, colour, 2);
      px = nx;
      py = ny;
    });
  });
  return c.png();
}
