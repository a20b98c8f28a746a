/**
 * The Pod Security Standards' `restricted` profile (which includes `baseline`), as the
 * Kubernetes docs define its controls (kubernetes.io/docs/concepts/security/pod-security-standards),
 * for tests: returns the violations of a pod, each naming the container and the field.
 */

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Violations of Pod Security `restricted` by a pod (`metadata` and `spec` of a pod or pod template). */
export function restrictedViolations(pod: { metadata?: any; spec: any }): string[] {
  const out: string[] = [];
  const spec = pod.spec;
  const podSc = spec.securityContext ?? {};
  const containers: Array<[string, any]> = [
    ...(spec.initContainers ?? []).map((c: any) => [`initContainers[${c.name}]`, c] as [string, any]),
    ...(spec.containers ?? []).map((c: any) => [`containers[${c.name}]`, c] as [string, any]),
    ...(spec.ephemeralContainers ?? []).map((c: any) => [`ephemeralContainers[${c.name}]`, c] as [string, any]),
  ];

  // ---- baseline ----
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[key] === true) out.push(`spec.${key}: host namespaces are forbidden`);
  if (podSc.windowsOptions?.hostProcess === true) out.push('spec.securityContext.windowsOptions.hostProcess must be false');
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) out.push(`volumes[${v.name}]: hostPath volumes are forbidden`);
    const type = Object.keys(v).find(k => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) out.push(`volumes[${v.name}]: volume type ${type} is not allowed`);
  }
  for (const sysctl of podSc.sysctls ?? []) if (!SAFE_SYSCTLS.has(sysctl.name)) out.push(`spec.securityContext.sysctls: ${sysctl.name} is not a safe sysctl`);
  const checkSeLinux = (where: string, se: any) => {
    if (!se) return;
    if (!SELINUX_TYPES.has(se.type ?? '')) out.push(`${where}.seLinuxOptions.type ${se.type} is not allowed`);
    if (se.user || se.role) out.push(`${where}.seLinuxOptions: user and role must be unset`);
  };
  checkSeLinux('spec.securityContext', podSc.seLinuxOptions);
  const appArmor = (where: string, profile: any) => {
    if (profile && !['RuntimeDefault', 'Localhost'].includes(profile.type)) out.push(`${where}.appArmorProfile.type ${profile.type} is not allowed`);
  };
  appArmor('spec.securityContext', podSc.appArmorProfile);
  for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      out.push(`annotation ${key}: ${value} is not allowed`);
    }
  }

  // ---- restricted ----
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) out.push(`spec.securityContext.seccompProfile.type ${podSeccomp} is not allowed`);
  if (podSc.runAsUser === 0) out.push('spec.securityContext.runAsUser must not be 0');

  for (const [where, c] of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) out.push(`${where}: privileged must be false`);
    if (sc.windowsOptions?.hostProcess === true) out.push(`${where}: windowsOptions.hostProcess must be false`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${where}: hostPort ${p.hostPort} is forbidden`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${where}: procMount must be Default`);
    checkSeLinux(where, sc.seLinuxOptions);
    appArmor(where, sc.appArmorProfile);
    const added: string[] = sc.capabilities?.add ?? [];
    for (const cap of added) {
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${where}: capability ${cap} is not allowed (baseline)`);
      else if (cap !== 'NET_BIND_SERVICE') out.push(`${where}: capability ${cap} is not allowed (restricted adds only NET_BIND_SERVICE)`);
    }
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities.drop must include ALL`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (runAsNonRoot !== true) out.push(`${where}: runAsNonRoot must be true (container or pod)`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) out.push(`${where}: seccompProfile must be RuntimeDefault or Localhost (container or pod)`);
  }
  return out;
}
