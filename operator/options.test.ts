import { parseOptions, type ParseOutcome } from './options.js';

/** The printed text of a non-ok outcome. */
const text = (r: ParseOutcome): string => (r.kind === 'ok' ? '' : r.text);

const required = [
  '--kcp-kubeconfig',
  'kcp.kubeconfig',
  '--namespace',
  'kube-system',
  '--apiexportendpointslice-ref',
  'my-export',
];

describe('parseOptions', () => {
  test('the typical invocation of the Go agent and its chart is accepted', () => {
    const r = parseOptions([
      '--agent-name',
      'my-agent',
      '--apiexportendpointslice-ref',
      'slice',
      '--enable-leader-election=false',
      '--kubeconfig',
      'svc.kubeconfig',
      '--kcp-kubeconfig',
      'kcp.kubeconfig',
      '--namespace',
      'kube-system',
      '--log-format',
      'Console',
      '--log-debug=true',
      '--health-address',
      '0',
      '--metrics-address',
      '0',
      '--published-resource-selector',
      'agent=initech',
    ]);
    if (r.kind !== 'ok') throw new Error(text(r));
    expect(r.options).toMatchObject({
      agentName: 'my-agent',
      apiExportEndpointSliceRef: 'slice',
      enableLeaderElection: false,
      kubeconfig: 'svc.kubeconfig',
      namespace: 'kube-system',
      logFormat: 'Console',
      logDebug: true,
      healthAddress: '0',
      metricsAddress: '0',
    });
    expect(r.options.publishedResourceSelector.matches({ agent: 'initech' })).toBe(true);
  });

  test('Helm-chart style --flag=value arguments and defaults', () => {
    const r = parseOptions([
      '--namespace=ns',
      '--kcp-kubeconfig=/etc/api-syncagent/kcp/kubeconfig',
      '--apiexportendpointslice-ref=exp',
      '--enable-leader-election=true',
    ]);
    if (r.kind !== 'ok') throw new Error(text(r));
    expect(r.options.agentName).toBe('exp-syncagent');
    expect(r.options.enableLeaderElection).toBe(true);
    expect(r.options.metricsAddress).toBe('127.0.0.1:8085');
    expect(r.options.healthAddress).toBe('');
    expect(r.options.logFormat).toBe('JSON');
  });

  test('disabled controllers: comma lists and repeats accumulate', () => {
    const r = parseOptions([
      ...required,
      '--disabled-controllers=apiexport,sync',
      '--disabled-controllers',
      'apiresourceschema',
    ]);
    if (r.kind !== 'ok') throw new Error(text(r));
    expect(r.options.disabledControllers).toEqual(['apiexport', 'sync', 'apiresourceschema']);
  });

  test('missing required flags are aggregated, exit code 1', () => {
    const r = parseOptions([]);
    expect(r).toEqual({
      kind: 'invalid',
      exitCode: 1,
      text: 'Invalid command line: [--kcp-kubeconfig is required, --namespace is required, --apiexportendpointslice-ref is required]',
    });
  });

  test('one error is printed without brackets', () => {
    const r = parseOptions(['--kcp-kubeconfig', 'x', '--apiexportendpointslice-ref', 'e']);
    expect(text(r)).toBe('Invalid command line: --namespace is required');
  });

  test('unknown controllers keep the upstream message (sic)', () => {
    const r = parseOptions([...required, '--disabled-controllers', 'foo,sync']);
    expect(text(r)).toBe(
      'Invalid command line: unknown controller(s) [foo], mut be any of [apiexport apiresourceschema sync]',
    );
  });

  test('invalid agent names, explicit and derived (the Go agent skips the derived one)', () => {
    expect(text(parseOptions([...required, '--agent-name', 'Bad_Name']))).toContain(
      '--agent-name is invalid: [',
    );
    const r = parseOptions([
      '--kcp-kubeconfig',
      'k',
      '--namespace',
      'n',
      '--apiexportendpointslice-ref',
      'My.Export',
    ]);
    expect(r.kind).toBe('invalid');
    expect(text(r)).toContain('derived agent name "My.Export-syncagent" is invalid');
  });

  test('selector parse errors name the flag', () => {
    expect(text(parseOptions([...required, '--published-resource-selector', 'a in b']))).toMatch(
      /^Invalid command line: invalid --published-resource-selector "a in b": /,
    );
  });

  test('unknown flags and bad values are usage errors with exit code 2', () => {
    const unknown = parseOptions(['--apiexport-ref', 'x']);
    expect(unknown).toMatchObject({ kind: 'usage-error', exitCode: 2 });
    expect(text(unknown)).toMatch(/^unknown flag: --apiexport-ref\nUsage of api-syncagent:/);
    expect(text(parseOptions(['--log-format', 'yaml']))).toMatch(/invalid format 'yaml'/);
    expect(parseOptions(['--enable-leader-election=maybe']).kind).toBe('usage-error');
    expect(text(parseOptions(['--namespace']))).toMatch(/^flag needs an argument: --namespace/);
  });

  test('log format is case-insensitive', () => {
    const r = parseOptions([...required, '--log-format=CONSOLE']);
    expect(r.kind === 'ok' && r.options.logFormat).toBe('Console');
  });

  test('--help prints usage and exits 0; a bare bool value is a positional, as in pflag', () => {
    const h = parseOptions(['--help']);
    expect(h.kind).toBe('help');
    expect(text(h)).toContain('--apiexportendpointslice-ref string');
    expect(text(h)).toContain('--metrics-address string');
    const r = parseOptions([...required, '--enable-leader-election', 'false']);
    expect(r.kind === 'ok' && r.options.enableLeaderElection).toBe(true);
  });
});

describe('finalizer flags', () => {
  test('default to the shared finalizer without waiting', () => {
    const r = parseOptions(required);
    if (r.kind !== 'ok') throw new Error(text(r));
    expect(r.options).toMatchObject({ finalizerMode: 'shared', foreignFinalizerTimeoutMs: 0 });
  });

  test('accept the agent mode and a Go-style duration', () => {
    const r = parseOptions([...required, '--finalizer-mode=agent', '--foreign-finalizer-timeout', '1h30m']);
    if (r.kind !== 'ok') throw new Error(text(r));
    expect(r.options).toMatchObject({ finalizerMode: 'agent', foreignFinalizerTimeoutMs: 90 * 60_000 });
  });

  test('reject unknown modes and malformed durations as usage errors', () => {
    expect(parseOptions([...required, '--finalizer-mode=mine']).kind).toBe('usage-error');
    expect(parseOptions([...required, '--foreign-finalizer-timeout=5 minutes']).kind).toBe('usage-error');
    expect(parseOptions([...required, '--foreign-finalizer-timeout=']).kind).toBe('usage-error');
  });

  describe('sharding flags', () => {
    test('off by default, with client-go timings', () => {
      const r = parseOptions(required);
      if (r.kind !== 'ok') throw new Error(text(r));
      expect(r.options).toMatchObject({
        enableSharding: false,
        shardLeaseDurationMs: 15_000,
        shardRenewDeadlineMs: 10_000,
        shardRetryPeriodMs: 2_000,
      });
    });

    test('the short timings of the e2e are accepted', () => {
      const r = parseOptions([
        ...required,
        '--enable-leader-election',
        '--enable-sharding',
        '--shard-lease-duration=6s',
        '--shard-renew-deadline=4s',
        '--shard-retry-period=1s',
      ]);
      if (r.kind !== 'ok') throw new Error(text(r));
      expect(r.options).toMatchObject({
        enableSharding: true,
        shardLeaseDurationMs: 6_000,
        shardRenewDeadlineMs: 4_000,
        shardRetryPeriodMs: 1_000,
      });
    });

    test('sharding without leader election names both flags', () => {
      const r = parseOptions([...required, '--enable-sharding']);
      expect(r.kind).toBe('invalid');
      expect(text(r)).toContain('--enable-sharding requires --enable-leader-election');
    });

    test('timings must be ordered: retry < renew deadline < lease duration', () => {
      const r = parseOptions([
        ...required,
        '--enable-leader-election',
        '--enable-sharding',
        '--shard-lease-duration=5s',
        '--shard-renew-deadline=5s',
        '--shard-retry-period=6s',
      ]);
      expect(r.kind).toBe('invalid');
      expect(text(r)).toContain('--shard-retry-period must be shorter than --shard-renew-deadline');
      expect(text(r)).toContain('--shard-renew-deadline must be shorter than --shard-lease-duration');
    });

    test('a malformed duration is a usage error', () => {
      const r = parseOptions([...required, '--shard-lease-duration=soon']);
      expect(r.kind).toBe('usage-error');
      expect(text(r)).toContain("invalid duration 'soon'");
    });
  });
});
