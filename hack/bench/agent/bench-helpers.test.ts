// The benchmark's pure helpers: percentiles and spreads, the seeded order, the per-object request cost
// from two metric scrapes, the PNG encoder (a valid file whose IDAT inflates to the pixel rows) and
// the PASS/MISS lines of the Markdown report.
import { inflateSync } from 'node:zlib';
import { costPerObject } from './metrics.js';
import { renderCdfPng } from './png.js';
import { markdown, type BenchResult } from './report.js';
import { percentile, seededPermutation, seededRandom, spread, summarize } from './stats.js';

describe('stats', () => {
  it('takes nearest-rank percentiles of a sorted sample', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(s, 50), percentile(s, 90), percentile(s, 99), percentile(s, 100)]).toEqual([
      50, 90, 99, 100,
    ]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples and spreads repetitions, leaving out failed ones', () => {
    expect(summarize([30, 10, 20])).toMatchObject({ count: 3, p50: 20, max: 30, mean: 20 });
    expect(spread([3, Number.NaN, 1, 2, 10])).toEqual({ min: 1, median: 2.5, max: 10 });
  });

  it('gives the same workspace order for the same seed and a permutation every time', () => {
    const a = seededPermutation(10, seededRandom(42));
    expect(seededPermutation(10, seededRandom(42))).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seededPermutation(10, seededRandom(43))).not.toEqual(a);
  });
});

describe('costPerObject', () => {
  it('splits the request difference per object by side and verb', () => {
    const before = new Map([['PATCH kcp:1 200', 10]]);
    const after = new Map([
      ['PATCH kcp:1 200', 20],
      ['POST kcp:1 201', 20],
      ['POST svc:2 201', 20],
      ['GET svc:2 200', 0],
    ]);
    expect(costPerObject(before, after, 10, 'kcp:1')).toEqual({
      total: 5,
      bySideVerb: { 'kcp PATCH': 1, 'kcp POST': 2, 'service POST': 2 },
    });
  });
});

describe('renderCdfPng', () => {
  it('writes a PNG whose image data inflates to width x height RGB rows', () => {
    const png = renderCdfPng([{ samples: [5, 50, 500] }, { samples: [] }], 120, 80);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(120);
    expect(png.readUInt32BE(20)).toBe(80);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw.length).toBe((120 * 3 + 1) * 80);
    // Some pixel of the first series' colour (31,119,180) was drawn.
    let found = false;
    for (let i = 0; i + 2 < raw.length; i++)
      if (raw[i] === 31 && raw[i + 1] === 119 && raw[i + 2] === 180) found = true;
    expect(found).toBe(true);
  });
});

describe('markdown', () => {
  it('prints the latency table and a verdict per target', () => {
    const lat = { count: 3, p50: 20, p90: 30, p99: 40, max: 41, mean: 25 };
    const result: BenchResult = {
      started: 's',
      finished: 'f',
      mode: 'quick',
      seed: 42,
      repetitions: 1,
      agent: 'node dist/operator/main.js',
      extraAgentFlags: [],
      loadAverage: { start: '1.00 1.00 1.00', end: '2.00 2.00 2.00' },
      config: { teams: 10, rates: [{ rate: 20, n: 3 }], statusN: 3, statusRate: 10, burstN: 1000, bigN: 0 },
      rss: {
        idleMiB: 100,
        afterBurstMiB: 150,
        afterBurstObjects: 1000,
        detail: { idle: '100 MiB', afterBurst: '150 MiB' },
      },
      throttledCreates: 0,
      failedObjects: 0,
      repetitionsDetail: [
        {
          specDown: { '20/s': lat },
          kcpCreate: { '20/s': lat },
          statusUp: lat,
          burstSeconds: 12.5,
          burstCreateSeconds: 5,
          burstObjectsPerSecond: 80,
          requestsPerObject: { total: 5, bySideVerb: { 'kcp PATCH': 1 } },
          cpuSecondsPer1000: 3,
          load: '1',
        },
      ],
      targets: [
        {
          name: 'spec-down p50 at 20/s',
          value: 20,
          unit: 'ms',
          target: '< 100 ms',
          ok: true,
          verdict: 'PASS',
        },
        {
          name: 'API requests per new object',
          value: 7,
          unit: '',
          target: '<= 6',
          ok: false,
          verdict: 'MISS',
        },
      ],
      samples: {},
    };
    const md = markdown(result, ['spec-down 20/s']);
    expect(md).toContain('| spec-down at 20/s | 3 | 20 | 30 | 40 | 41 |');
    expect(md).toContain('| spec-down p50 at 20/s < 100 ms | 20 ms | PASS |');
    expect(md).toContain('| API requests per new object <= 6 | 7.00  | MISS |');
    expect(md).toContain('blue = spec-down 20/s');
  });
});
