import { InvalidPathSegmentError, joinUrl, pathSegment, resourcePath, type GVR } from './paths.js';

const secrets: GVR = { group: '', version: 'v1', resource: 'secrets' };
const things: GVR = { group: 'example.com', version: 'v1', resource: 'things' };

describe('pathSegment', () => {
  it.each(['', '.', '..', 'a/b', '../kube-system', '/', 'a\\b', '..\\x', '%2F', '%2e%2e', 'a%b'])(
    'refuses %j',
    (v) => {
      expect(() => pathSegment('name', v)).toThrow(InvalidPathSegmentError);
    },
  );

  it('names the field and the value and says why', () => {
    expect(() => pathSegment('name', '..')).toThrow('invalid name "..": "." and ".." are not allowed');
    expect(() => pathSegment('namespace', 'a/b')).toThrow(
      'invalid namespace "a/b": must not contain "/", "%"',
    );
    expect(() => pathSegment('name', '')).toThrow('invalid name "": must not be empty');
  });

  it('escapes everything else so that it stays one segment', () => {
    expect(pathSegment('name', 'my-thing.v1')).toBe('my-thing.v1');
    expect(pathSegment('name', 'a?b#c')).toBe('a%3Fb%23c');
    expect(pathSegment('name', '...')).toBe('...');
  });
});

describe('resourcePath and joinUrl with names from data', () => {
  const base = 'https://kcp.example:6443/clusters/root:team-a';

  /** The path a request for `name` in `namespace` really goes to. */
  function requested(namespace: string, name: string): string {
    return joinUrl(base, resourcePath({ gvr: secrets, namespace, name })).pathname;
  }

  it.each([
    ['a?watch=true', '/clusters/root:team-a/api/v1/namespaces/ns/secrets/a%3Fwatch%3Dtrue'],
    ['a#frag', '/clusters/root:team-a/api/v1/namespaces/ns/secrets/a%23frag'],
    ['x;y', '/clusters/root:team-a/api/v1/namespaces/ns/secrets/x%3By'],
  ])('name %j stays the last segment of the secrets collection', (name, want) => {
    const p = requested('ns', name);
    expect(p).toBe(want);
    expect(decodeURIComponent(p.split('/').pop()!)).toBe(name);
  });

  it.each(['..', '.', 'a/../../../agent/secrets/x', '%2F/..', '%2F', '%2e%2e', '.%2e', '..%2F..%2Fsecrets'])(
    'name %j is refused instead of reaching another path',
    (name) => {
      expect(() => requested('ns', name)).toThrow(InvalidPathSegmentError);
    },
  );

  it.each(['..', '.', 'kube-system/secrets', ''])(
    'namespace %j is refused or omitted, never a path',
    (ns) => {
      if (ns === '') expect(requested(ns, 'x')).toBe('/clusters/root:team-a/api/v1/secrets/x');
      else expect(() => requested(ns, 'x')).toThrow(InvalidPathSegmentError);
    },
  );

  it('an empty name never turns an object request into a collection request', () => {
    expect(() => resourcePath({ gvr: things, namespace: 'ns', name: '' })).toThrow('invalid name ""');
    expect(resourcePath({ gvr: things, namespace: 'ns' })).toBe('/apis/example.com/v1/namespaces/ns/things');
  });

  it('group, version, resource and subresource are segments too', () => {
    expect(() => resourcePath({ gvr: { ...things, group: '..' } })).toThrow('invalid group');
    expect(() => resourcePath({ gvr: { ...things, version: 'v1/../..' } })).toThrow('invalid version');
    expect(() => resourcePath({ gvr: { ...things, resource: 'things/..' } })).toThrow('invalid resource');
    expect(() => resourcePath({ gvr: things, name: 'x', subresource: '..' })).toThrow('invalid subresource');
    expect(resourcePath({ gvr: things, namespace: 'ns', name: 'x', subresource: 'status' })).toBe(
      '/apis/example.com/v1/namespaces/ns/things/x/status',
    );
  });
});
