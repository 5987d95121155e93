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

  it('parses --log-format values case-insensitively', () => {
    expect(parseLogFormat('JSON')).toBe('json');
    expect(parseLogFormat('Console')).toBe('console');
    expect(() => parseLogFormat('xml')).toThrow("invalid format 'xml'");
  });
});
