import { LABEL_REMOTE_NAMESPACE_HASH } from './keys.js';
import { objectKeyAnnotations, objectKeyLabels, sha1Hex, stateKey, stateSecretName } from './object-key.js';

describe('object key', () => {
  test('SHA-1 vector from the Go agent unit tests', () => {
    expect(sha1Hex('my-test-thing')).toBe('c346c8ceb5d104cc783d09b95e8ea7032c190948');
  });

  test('state key hashes the Go struct encoding with trailing newline (Go agent vector)', () => {
    expect(stateKey({ clusterName: '1x2y3z', namespace: 'default', name: 'my-crontab' })).toBe(
      'abd880fc9e94ab09b6a81f6c05cc134b69f63d0f',
    );
  });

  test('state Secret name (Go agent vector)', () => {
    expect(
      stateSecretName('abc', {
        apiVersion: 'kcp.example.com/v1',
        kind: 'CronTab',
        name: 'my-crontab',
        namespace: 'default',
      }),
    ).toBe('obj-state-abc-3d62e88a9631d524a143');
  });

  test('cluster-scoped objects carry no namespace label or annotation', () => {
    const key = { clusterName: 'c1', workspacePath: '', namespace: '', name: 'n' };
    expect(objectKeyLabels(key)).toEqual({
      'syncagent.kcp.io/remote-object-cluster': 'c1',
      'syncagent.kcp.io/remote-object-name-hash': sha1Hex('n'),
    });
    expect(objectKeyLabels(key)[LABEL_REMOTE_NAMESPACE_HASH]).toBeUndefined();
    expect(objectKeyAnnotations(key)).toEqual({ 'syncagent.kcp.io/remote-object-name': 'n' });
  });

  test('workspace path only appears as an annotation when set', () => {
    const key = { clusterName: 'c1', workspacePath: 'root:org:team-1', namespace: 'ns', name: 'n' };
    expect(objectKeyAnnotations(key)).toEqual({
      'syncagent.kcp.io/remote-object-name': 'n',
      'syncagent.kcp.io/remote-object-namespace': 'ns',
      'syncagent.kcp.io/remote-object-workspace-path': 'root:org:team-1',
    });
    expect(Object.values(objectKeyLabels(key))).not.toContain('root:org:team-1');
  });
});
