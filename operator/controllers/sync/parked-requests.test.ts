import { ParkedRequests } from './parked-requests.js';

const r = (name: string) => ({ cluster: 'c', namespace: 'ns', name });

describe('ParkedRequests', () => {
  it('hands parked requests back once per key', () => {
    const p = new ParkedRequests();
    p.park('tenants/db', r('a'));
    p.park('tenants/db', r('b'));
    p.park('tenants/other', r('c'));
    expect(p.take('tenants/db')).toEqual([r('a'), r('b')]);
    expect(p.take('tenants/db')).toEqual([]);
    expect(p.size).toBe(1);
  });

  it('keeps a request under its latest key only, and forgets it on request', () => {
    const p = new ParkedRequests();
    p.park('x', r('a'));
    p.park('y', r('a'));
    expect(p.take('x')).toEqual([]);
    p.forget(r('a'));
    expect(p.take('y')).toEqual([]);
    expect(p.size).toBe(0);
  });
});
