// `node --import ./hack/lib/ts-hooks.mjs hack/bench/agent/cpuprofile-top.ts <file.cpuprofile> [N]`:
// the N functions with the most self time in a V8 CPU profile (node --cpu-prof), and the same
// aggregated by package/file, so a profile of a benchmark run can be read without DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const [file, nArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top.ts <file.cpuprofile> [N]');
const top = Number(nArg ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const totalMs = (p.endTime - p.startTime) / 1000;
const msPerSample = totalMs / Math.max(1, p.samples.length);
const hits = new Map<number, number>();
for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);

const shortUrl = (u: string): string =>
  u
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'nm:')
    .replace(/.*\/dist\//, 'dist/');
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of p.nodes) {
  const h = hits.get(n.id) ?? 0;
  if (!h) continue;
  const url = shortUrl(n.callFrame.url) || '(native/VM)';
  const fn = `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + h);
  const fileKey = url.startsWith('nm:')
    ? url
        .split('/')
        .slice(0, url.startsWith('nm:@') ? 2 : 1)
        .join('/')
    : url;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + h);
}
const print = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [k, h] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const ms = h * msPerSample;
    console.log(
      `${ms.toFixed(0).padStart(8)} ms ${((100 * h) / p.samples.length).toFixed(1).padStart(5)}%  ${k}`,
    );
  }
};
console.log(`profile ${file}: ${(totalMs / 1000).toFixed(1)} s wall, ${p.samples.length} samples`);
print('self time by function', byFn);
print('self time by file/package', byFile);
