// The agent flags every benchmark run shares: the flags of a production run pointed at the bench world,
// without debug logging (it would measure log I/O). Each mode adds its own leader-election, logging and
// metrics flags.
export interface BenchWorldRefs {
  endpointSliceName: string;
  serviceKubeconfigPath: string;
  kcpKubeconfigPath: string;
}

export function benchAgentArgs(w: BenchWorldRefs): string[] {
  return [
    '--agent-name',
    'bench-agent',
    '--apiexportendpointslice-ref',
    w.endpointSliceName,
    '--kubeconfig',
    w.serviceKubeconfigPath,
    '--kcp-kubeconfig',
    w.kcpKubeconfigPath,
    '--namespace',
    'kube-system',
    '--health-address',
    '0',
  ];
}
