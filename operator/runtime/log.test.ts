import { Writable } from 'node:stream';
import { createLogger, parseLogFormat } from './log.js';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      cb();
    },
  });
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with time, level, logger and msg; debug only with the switch', () => {
    const { stream, lines } = capture();
    const log = createLogger({ destination: stream, name: 'root' });
    log.child({ logger: 'informer' }).info({ gvr: 'v1/configmaps' }, 'Cache synced');
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(rec).toMatchObject({
      level: 'info',
      logger: 'informer',
      msg: 'Cache synced',
      gvr: 'v1/configmaps',
    });
    expect(rec.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const dbg = capture();
    createLogger({ destination: dbg.stream, debug: true }).debug('shown');
    expect(dbg.lines).toHaveLength(1);
  });

  it('writes console lines', () => {
    const { stream, lines } = capture();
    createLogger({ destination: stream, format: 'console' })
      .child({ logger: 'manager' })
      .warn({ n: 1 }, 'hello');
    expect(lines[0]).toMatch(/^\S+Z\tWARN\tmanager\thello\t\{"n":1\}$/);
  });

  it('logs errors under the Go agent\'s key `error` (a string), never `err`', () => {
    const { stream, lines } = capture();
    const log = createLogger({ destination: stream });
    log.error({ err: new Error('boom'), requeues: 2 }, 'Reconciler error');
    log.info({ err: 'forbidden' }, 'Failed to record event');
    log.error(new Error('direct'), 'Failed');
    log.warn({ error: new Error('already') }, 'x');
    log.info({ n: 1 }, 'no error');
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of recs) expect(r).not.toHaveProperty('err');
    expect(recs[0]).toMatchObject({ msg: 'Reconciler error', error: 'boom', requeues: 2 });
    expect(recs[0]!.errorVerbose).toContain('Error: boom');
    expect(recs[1]).toMatchObject({ error: 'forbidden' });
    expect(recs[1]).not.toHaveProperty('errorVerbose');
    expect(recs[2]).toMatchObject({ msg: 'Failed', error: 'direct' });
    expect(recs[3]).toMatchObject({ error: 'already' });
    expect(recs[4]).toEqual(expect.not.objectContaining({ error: expect.anything() }));
    // Console lines carry the same key.
    const con = capture();
    createLogger({ destination: con.stream, format: 'console' }).info({ err: 'x' }, 'm');
    expect(con.lines[0]).toMatch(/\t\{"error":"x"\}$/);
  });

  it('parses --log-format values case-insensitively', () => {
    expect(parseLogFormat('JSON')).toBe('json');
    expect(parseLogFormat('Console')).toBe('console');
    expect(() => parseLogFormat('xml')).toThrow("invalid format 'xml'");
  });
});
