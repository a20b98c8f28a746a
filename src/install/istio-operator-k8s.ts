/**
 * The `components.<name>.k8s` block of an IstioOperator — scheduling, env, autoscaler,
 * disruption budget, probe, resources, security context, Service, strategy, volumes and
 * overlays — read into the component's typed options (`ComponentKubernetesOptions` and the
 * gateway's own). Internal: used by `istio-operator.ts`.
 */
import { Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ComponentAffinity, ComponentServiceOptions, ComponentVolume, DisruptionBudget, IpFamily, IpFamilyPolicy,
  PodAffinityTerm, PodSecurityOptions, SeccompProfileType, SessionAffinity, TopologySpread, UnsatisfiableSpread,
} from './component-kubernetes';
import { ComputeResources } from './compute-resources';
import { ExternalTrafficPolicy, GatewayInstallationPort, GatewayPortProtocol, GatewayScaling, GatewayServiceType } from './gateway-installation';
import type { OperatorOverlay, OperatorPlan, Translator } from './istio-operator';

type Json = Record<string, any>;

export function resources(t: Translator, path: string, raw: unknown): ComputeResources {
  const r = t.map(path, raw);
  const quantities = (key: 'requests' | 'limits') => {
    const q = t.map(`${path}.${key}`, r.take(key));
    const out = { cpu: t.str(`${path}.${key}.cpu`, q.take('cpu')), memory: t.str(`${path}.${key}.memory`, q.take('memory')) };
    q.done({ '*': 'only cpu and memory are supported' });
    return out.cpu === undefined && out.memory === undefined ? undefined : out;
  };
  const out = { requests: quantities('requests'), limits: quantities('limits') };
  r.done();
  return out;
}

const NODE_OPERATORS: Record<string, (key: string, values: string[]) => kplus.NodeLabelQuery> = {
  In: kplus.NodeLabelQuery.in,
  NotIn: kplus.NodeLabelQuery.notIn,
  Gt: kplus.NodeLabelQuery.gt,
  Lt: kplus.NodeLabelQuery.lt,
  Exists: key => kplus.NodeLabelQuery.exists(key),
  DoesNotExist: key => kplus.NodeLabelQuery.doesNotExist(key),
};
const LABEL_OPERATORS: Record<string, (key: string, values: string[]) => kplus.LabelExpression> = {
  In: kplus.LabelExpression.in,
  NotIn: kplus.LabelExpression.notIn,
  Exists: key => kplus.LabelExpression.exists(key),
  DoesNotExist: key => kplus.LabelExpression.doesNotExist(key),
};

export function affinity(t: Translator, path: string, raw: unknown): ComponentAffinity {
  const a = t.map(path, raw);
  const out: Record<string, unknown> = {};
  const nodeTerm = (p: string, term: unknown) => {
    const n = t.map(p, term);
    const labels = t.list(`${p}.matchExpressions`, n.take('matchExpressions')).map((e, i) => {
      const x = t.map(`${p}.matchExpressions[${i}]`, e);
      const key = t.str(`${p}.matchExpressions[${i}].key`, x.take('key'))!;
      const op = t.str(`${p}.matchExpressions[${i}].operator`, x.take('operator'))!;
      const values = t.stringList(`${p}.matchExpressions[${i}].values`, x.take('values')) ?? [];
      x.done();
      const make = NODE_OPERATORS[op] ?? t.invalid(`${p}.matchExpressions[${i}].operator`, op, `must be one of ${Object.keys(NODE_OPERATORS).join(', ')}`);
      return make(key, values);
    });
    n.done({ matchFields: 'node affinity by field is not supported; select nodes by label' });
    return { labels };
  };
  const node = t.map(`${path}.nodeAffinity`, a.take('nodeAffinity'));
  const req = t.map(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, node.take('requiredDuringSchedulingIgnoredDuringExecution'));
  const terms = t.list(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, req.take('nodeSelectorTerms'));
  if (terms.length) out.requiredNodeTerms = terms.map((term, i) => nodeTerm(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`, term));
  req.done();
  const pref = t.list(`${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`, node.take('preferredDuringSchedulingIgnoredDuringExecution'));
  if (pref.length) {
    out.preferredNodeTerms = pref.map((p, i) => {
      const w = t.map(`${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`, p);
      const weight = t.num(`${w.path}.weight`, w.take('weight'))!;
      const term = nodeTerm(`${w.path}.preference`, w.take('preference'));
      w.done();
      return { weight, ...term };
    });
  }
  node.done();
  const podTerm = (p: string, raw2: unknown): PodAffinityTerm => {
    const x = t.map(p, raw2);
    const topologyKey = t.str(`${p}.topologyKey`, x.take('topologyKey'));
    if (!topologyKey) t.invalid(`${p}.topologyKey`, topologyKey, 'must name a node label such as "topology.kubernetes.io/zone"');
    const sel = t.map(`${p}.labelSelector`, x.take('labelSelector'));
    const labels = t.strings(`${p}.labelSelector.matchLabels`, sel.take('matchLabels'));
    const expressions = t.list(`${p}.labelSelector.matchExpressions`, sel.take('matchExpressions')).map((e, i) => {
      const m = t.map(`${p}.labelSelector.matchExpressions[${i}]`, e);
      const key = t.str(`${m.path}.key`, m.take('key'))!;
      const op = t.str(`${m.path}.operator`, m.take('operator'))!;
      const values = t.stringList(`${m.path}.values`, m.take('values')) ?? [];
      m.done();
      const make = LABEL_OPERATORS[op] ?? t.invalid(`${m.path}.operator`, op, `must be one of ${Object.keys(LABEL_OPERATORS).join(', ')}`);
      return make(key, values);
    });
    sel.done();
    const namespaces = t.stringList(`${p}.namespaces`, x.take('namespaces'));
    x.done({ '*': 'only labelSelector, namespaces and topologyKey are supported' });
    return { topology: kplus.Topology.custom(topologyKey), labels, expressions: expressions.length ? expressions : undefined, namespaces };
  };
  for (const [key, required, preferred] of [
    ['podAffinity', 'requiredPodAffinity', 'preferredPodAffinity'],
    ['podAntiAffinity', 'requiredPodAntiAffinity', 'preferredPodAntiAffinity'],
  ] as const) {
    const p = t.map(`${path}.${key}`, a.take(key));
    const r = t.list(`${p.path}.requiredDuringSchedulingIgnoredDuringExecution`, p.take('requiredDuringSchedulingIgnoredDuringExecution'));
    if (r.length) out[required] = r.map((term, i) => podTerm(`${p.path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, term));
    const w = t.list(`${p.path}.preferredDuringSchedulingIgnoredDuringExecution`, p.take('preferredDuringSchedulingIgnoredDuringExecution'));
    if (w.length) {
      out[preferred] = w.map((term, i) => {
        const m = t.map(`${p.path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`, term);
        const weight = t.num(`${m.path}.weight`, m.take('weight'))!;
        const inner = podTerm(`${m.path}.podAffinityTerm`, m.take('podAffinityTerm'));
        m.done();
        return { weight, ...inner };
      });
    }
    p.done();
  }
  a.done();
  return out as ComponentAffinity;
}

function tolerations(t: Translator, path: string, raw: unknown): kplus.NodeTaintQuery[] {
  return t.list(path, raw).map((x, i) => {
    const m = t.map(`${path}[${i}]`, x);
    const key = t.str(`${m.path}.key`, m.take('key'));
    const operator = t.str(`${m.path}.operator`, m.take('operator')) ?? 'Equal';
    const value = t.str(`${m.path}.value`, m.take('value'));
    const effect = t.enumValue(`${m.path}.effect`, m.take('effect'), kplus.TaintEffect as unknown as Record<string, kplus.TaintEffect>);
    const seconds = t.num(`${m.path}.tolerationSeconds`, m.take('tolerationSeconds'));
    m.done();
    const options = { effect, evictAfter: seconds !== undefined ? Duration.seconds(seconds) : undefined };
    if (operator === 'Exists') return key === undefined ? kplus.NodeTaintQuery.any() : kplus.NodeTaintQuery.exists(key, options);
    if (operator !== 'Equal') t.invalid(`${m.path}.operator`, operator, 'must be "Equal" or "Exists"');
    if (key === undefined) t.invalid(`${m.path}.key`, key, 'an Equal toleration needs a key');
    return kplus.NodeTaintQuery.is(key, value ?? '', options);
  });
}

function envVars(t: Translator, scope: Construct, id: string, path: string, raw: unknown, out: Record<string, any>): void {
  t.list(path, raw).forEach((e, i) => {
    const m = t.map(`${path}[${i}]`, e);
    const name = t.str(`${m.path}.name`, m.take('name'));
    if (!name) t.invalid(`${m.path}.name`, name, 'an environment variable needs a name');
    const value = m.take('value');
    const from = m.take('valueFrom');
    m.done();
    if (from === undefined) {
      out.env = { ...out.env, [name]: t.str(`${m.path}.value`, value) ?? '' };
      return;
    }
    const f = t.map(`${m.path}.valueFrom`, from);
    const ref = (key: string) => t.map(`${f.path}.${key}`, f.take(key));
    let env: kplus.EnvValue | undefined;
    const cm = ref('configMapKeyRef');
    if (Object.keys(cm.value).length) {
      const cmName = t.str(`${cm.path}.name`, cm.take('name'))!;
      const configMap = kplus.ConfigMap.fromConfigMapName(scope, `${id}-env-${name}`, cmName);
      env = kplus.EnvValue.fromConfigMap(configMap, t.str(`${cm.path}.key`, cm.take('key'))!, { optional: t.bool(`${cm.path}.optional`, cm.take('optional')) });
    }
    cm.done();
    const sk = ref('secretKeyRef');
    if (Object.keys(sk.value).length) {
      const secret = kplus.Secret.fromSecretName(scope, `${id}-env-${name}`, t.str(`${sk.path}.name`, sk.take('name'))!);
      env = kplus.EnvValue.fromSecretValue({ secret, key: t.str(`${sk.path}.key`, sk.take('key'))! }, { optional: t.bool(`${sk.path}.optional`, sk.take('optional')) });
    }
    sk.done();
    const fr = ref('fieldRef');
    if (Object.keys(fr.value).length) {
      const fieldPath = t.str(`${fr.path}.fieldPath`, fr.take('fieldPath'))!;
      env = kplus.EnvValue.fromFieldRef(fieldPath as kplus.EnvFieldPaths, { apiVersion: t.str(`${fr.path}.apiVersion`, fr.take('apiVersion')) });
    }
    fr.done();
    const rr = ref('resourceFieldRef');
    if (Object.keys(rr.value).length) {
      const resource = t.str(`${rr.path}.resource`, rr.take('resource'))!;
      const divisor = rr.take('divisor');
      env = kplus.EnvValue.fromResource(resource as kplus.ResourceFieldPaths, {
        container: undefined, divisor: divisor === undefined ? undefined : String(divisor),
      });
      rr.take('containerName');
    }
    rr.done();
    f.done();
    if (!env) t.invalid(`${m.path}.valueFrom`, from, 'must hold configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef');
    out.envValues = { ...out.envValues, [name]: env };
  });
}

function volumes(t: Translator, scope: Construct, id: string, path: string, rawVolumes: unknown, rawMounts: unknown): ComponentVolume[] {
  const mounts = new Map<string, Json>();
  t.list(`${path}.volumeMounts`, rawMounts).forEach((m, i) => {
    const mount = t.map(`${path}.volumeMounts[${i}]`, m);
    const name = t.str(`${mount.path}.name`, mount.take('name'))!;
    mounts.set(name, {
      mountPath: t.str(`${mount.path}.mountPath`, mount.take('mountPath')),
      readOnly: t.bool(`${mount.path}.readOnly`, mount.take('readOnly')),
      subPath: t.str(`${mount.path}.subPath`, mount.take('subPath')),
    });
    mount.done();
  });
  const out = t.list(`${path}.volumes`, rawVolumes).map((v, i) => {
    const vol = t.map(`${path}.volumes[${i}]`, v);
    const name = t.str(`${vol.path}.name`, vol.take('name'))!;
    const cid = `${id}-volume-${name}`;
    let volume: kplus.Volume;
    const secret = vol.take('secret');
    const configMap = vol.take('configMap');
    const emptyDir = vol.take('emptyDir');
    if (secret !== undefined) {
      const s = t.map(`${vol.path}.secret`, secret);
      const ref = kplus.Secret.fromSecretName(scope, `${cid}-ref`, t.str(`${s.path}.secretName`, s.take('secretName'))!);
      volume = kplus.Volume.fromSecret(scope, cid, ref, {
        name, optional: t.bool(`${s.path}.optional`, s.take('optional')), defaultMode: t.num(`${s.path}.defaultMode`, s.take('defaultMode')),
      });
      s.done({ items: 'mount the whole Secret, or use subPath on the mount' });
    } else if (configMap !== undefined) {
      const c = t.map(`${vol.path}.configMap`, configMap);
      const ref = kplus.ConfigMap.fromConfigMapName(scope, `${cid}-ref`, t.str(`${c.path}.name`, c.take('name'))!);
      volume = kplus.Volume.fromConfigMap(scope, cid, ref, {
        name, optional: t.bool(`${c.path}.optional`, c.take('optional')), defaultMode: t.num(`${c.path}.defaultMode`, c.take('defaultMode')),
      });
      c.done({ items: 'mount the whole ConfigMap, or use subPath on the mount' });
    } else if (emptyDir !== undefined) {
      const e = t.map(`${vol.path}.emptyDir`, emptyDir);
      const medium = t.str(`${e.path}.medium`, e.take('medium'));
      volume = kplus.Volume.fromEmptyDir(scope, cid, name, { medium: medium === 'Memory' ? kplus.EmptyDirMedium.MEMORY : undefined });
      e.done({ sizeLimit: 'use an emptyDir without sizeLimit, or patch the Deployment with an overlay' });
    } else {
      t.unsupported(`${vol.path}`, 'volumes are secret, configMap or emptyDir volumes; use mesh.addOverlay() for other kinds');
    }
    vol.done({ '*': 'volumes are secret, configMap or emptyDir volumes; use mesh.addOverlay() for other kinds' });
    const mount = mounts.get(name);
    if (!mount?.mountPath) t.invalid(`${path}.volumeMounts`, name, `volume "${name}" needs a volumeMount with a mountPath`);
    mounts.delete(name);
    return { volume, mountPath: mount.mountPath, readOnly: mount.readOnly, subPath: mount.subPath };
  });
  for (const name of mounts.keys()) t.invalid(`${path}.volumeMounts`, name, 'mounts a volume that is not in k8s.volumes');
  return out;
}

function hpa(t: Translator, path: string, raw: unknown, out: Record<string, any>): { min?: number; max?: number; cpu?: number } {
  const h = t.map(path, raw);
  const min = t.num(`${path}.minReplicas`, h.take('minReplicas'));
  const max = t.num(`${path}.maxReplicas`, h.take('maxReplicas'));
  h.take('scaleTargetRef');
  let cpu: number | undefined;
  const metrics: kplus.Metric[] = [];
  t.list(`${path}.metrics`, h.take('metrics')).forEach((m, i) => {
    const metric = t.map(`${path}.metrics[${i}]`, m);
    const type = metric.take('type');
    if (type !== 'Resource') t.unsupported(`${path}.metrics[${i}].type "${type}"`, 'use autoscalingMetrics with kplus.Metric.pods(), object() or external() in code');
    const r = t.map(`${metric.path}.resource`, metric.take('resource'));
    const name = t.str(`${r.path}.name`, r.take('name'));
    const target = t.map(`${r.path}.target`, r.take('target'));
    const targetType = target.take('type');
    let mt: kplus.MetricTarget;
    if (targetType === 'Utilization') {
      const u = t.num(`${target.path}.averageUtilization`, target.take('averageUtilization'))!;
      if (name === 'cpu') cpu = u;
      mt = kplus.MetricTarget.averageUtilization(u);
    } else if (targetType === 'AverageValue') {
      mt = kplus.MetricTarget.averageValue(t.num(`${target.path}.averageValue`, target.take('averageValue'))!);
    } else {
      t.invalid(`${target.path}.type`, targetType, 'must be "Utilization" or "AverageValue"');
    }
    target.done();
    r.done();
    metric.done();
    if (name === 'cpu') metrics.push(kplus.Metric.resourceCpu(mt));
    else if (name === 'memory') metrics.push(kplus.Metric.resourceMemory(mt));
    else t.invalid(`${r.path}.name`, name, 'must be "cpu" or "memory"');
  });
  if (metrics.length && !(metrics.length === 1 && cpu !== undefined)) out.autoscalingMetrics = metrics;
  const behavior = t.map(`${path}.behavior`, h.take('behavior'));
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const b = t.map(`${behavior.path}.${dir}`, behavior.take(dir));
    if (!Object.keys(b.value).length) continue;
    const window = t.num(`${b.path}.stabilizationWindowSeconds`, b.take('stabilizationWindowSeconds'));
    const strategy = t.enumValue(`${b.path}.selectPolicy`, b.take('selectPolicy'), kplus.ScalingStrategy as unknown as Record<string, kplus.ScalingStrategy>);
    const policies = t.list(`${b.path}.policies`, b.take('policies')).map((p, i) => {
      const pol = t.map(`${b.path}.policies[${i}]`, p);
      const type = pol.take('type');
      const value = t.num(`${pol.path}.value`, pol.take('value'))!;
      const period = t.num(`${pol.path}.periodSeconds`, pol.take('periodSeconds'));
      pol.done();
      if (type !== 'Pods' && type !== 'Percent') t.invalid(`${pol.path}.type`, type, 'must be "Pods" or "Percent"');
      return { replicas: type === 'Pods' ? kplus.Replicas.absolute(value) : kplus.Replicas.percent(value), duration: period === undefined ? undefined : Duration.seconds(period) };
    });
    b.done();
    out[dir === 'scaleUp' ? 'autoscalingScaleUp' : 'autoscalingScaleDown'] = {
      stabilizationWindow: window === undefined ? undefined : Duration.seconds(window), strategy, policies: policies.length ? policies : undefined,
    };
  }
  behavior.done();
  h.done();
  return { min, max, cpu };
}

function intOrPercent(t: Translator, path: string, raw: unknown): kplus.PercentOrAbsolute | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return kplus.PercentOrAbsolute.absolute(raw);
  const text = t.str(path, raw)!;
  const match = /^(\d+)%$/.exec(text);
  if (match) return kplus.PercentOrAbsolute.percent(Number(match[1]));
  if (/^\d+$/.test(text)) return kplus.PercentOrAbsolute.absolute(Number(text));
  return t.invalid(path, raw, 'must be a pod count or a percentage such as "25%"');
}

/** Translates `components.<x>.k8s` into `out` (IstiodOptions or MeshGatewayOptions). */
export function translateK8s(t: Translator, scope: Construct, id: string, path: string, raw: unknown, out: Record<string, any>,
  objectName: string, overlays: OperatorPlan['overlays'], component: string): void {
  const k = t.map(path, raw);
  const isIstiod = component === 'Pilot';
  const nodeAgent = component === 'Cni' || component === 'Ztunnel';
  if (nodeAgent) {
    const daemonSet = component === 'Cni' ? 'istio-cni-node' : 'ztunnel';
    const refusals: Record<string, string> = {
      hpaSpec: 'does not autoscale; size its pods with resources',
      replicaCount: 'runs one pod per node; choose the nodes with nodeSelector, affinity and tolerations',
      podDisruptionBudget: 'has no PodDisruptionBudget; bound how many nodes lose it during a rollout with strategy.rollingUpdate.maxUnavailable',
      service: 'has no Service; remove it',
      serviceAnnotations: 'has no Service; remove it',
    };
    for (const [key, instead] of Object.entries(refusals)) {
      if (present(k.value[key])) t.unsupported(`${path}.${key}`, `${daemonSet} is a DaemonSet: it ${instead}`);
    }
  }
  const aff = k.take('affinity');
  if (aff !== undefined) out.affinity = affinity(t, `${path}.affinity`, aff);
  envVars(t, scope, id, `${path}.env`, k.take('env'), out);
  if (nodeAgent && out.env) {
    // the node agents take every extra variable as envValues
    for (const [name, value] of Object.entries(out.env as Record<string, string>)) {
      out.envValues = { ...out.envValues, [name]: kplus.EnvValue.fromValue(value) };
    }
    delete out.env;
  }
  const h = k.take('hpaSpec');
  const replicaCount = t.num(`${path}.replicaCount`, k.take('replicaCount'));
  let scaling: { min?: number; max?: number; cpu?: number } | undefined;
  if (h !== undefined) scaling = hpa(t, `${path}.hpaSpec`, h, out);
  if (isIstiod) {
    if (scaling) {
      // an hpaSpec asks for the autoscaler, also in profiles without one (demo)
      out.autoscalingEnabled = out.autoscalingEnabled ?? true;
      out.autoscaling = {
        ...out.autoscaling,
        ...Object.fromEntries(Object.entries({ minReplicas: scaling.min, maxReplicas: scaling.max, targetCpuUtilization: scaling.cpu })
          .filter(([, v]) => v !== undefined)),
      };
    }
    if (replicaCount !== undefined) out.replicas = replicaCount;
  } else {
    if (scaling && replicaCount !== undefined) {
      t.unsupported(`${path}.replicaCount`, 'a gateway with hpaSpec autoscales; set hpaSpec.minReplicas, or remove hpaSpec for a fixed count');
    }
    if (scaling) out.scaling = GatewayScaling.autoscale({ minReplicas: scaling.min, maxReplicas: scaling.max, targetCpuUtilization: scaling.cpu });
    if (replicaCount !== undefined) out.scaling = GatewayScaling.fixed(replicaCount);
  }
  const pullPolicy = t.enumValue(`${path}.imagePullPolicy`, k.take('imagePullPolicy'), kplus.ImagePullPolicy as unknown as Record<string, kplus.ImagePullPolicy>);
  if (pullPolicy) out.imagePullPolicy = pullPolicy;
  const nodeSelector = t.strings(`${path}.nodeSelector`, k.take('nodeSelector'));
  if (nodeSelector) out.nodeSelector = nodeSelector;
  const pdb = t.map(`${path}.podDisruptionBudget`, k.take('podDisruptionBudget'));
  const minAvailable = intOrPercent(t, `${path}.podDisruptionBudget.minAvailable`, pdb.take('minAvailable'));
  const maxUnavailable = intOrPercent(t, `${path}.podDisruptionBudget.maxUnavailable`, pdb.take('maxUnavailable'));
  pdb.take('selector');
  pdb.done();
  if (minAvailable && maxUnavailable) t.invalid(`${path}.podDisruptionBudget`, pdb.value, 'set minAvailable or maxUnavailable, not both');
  const budget = (v: kplus.PercentOrAbsolute, min: boolean) => {
    const text = String(v.value);
    const percent = text.endsWith('%') ? Number(text.slice(0, -1)) : undefined;
    if (min) return percent !== undefined ? DisruptionBudget.minAvailablePercent(percent) : DisruptionBudget.minAvailable(Number(v.value));
    return percent !== undefined ? DisruptionBudget.maxUnavailablePercent(percent) : DisruptionBudget.maxUnavailable(Number(v.value));
  };
  if (minAvailable) out.disruptionBudget = budget(minAvailable, true);
  if (maxUnavailable) out.disruptionBudget = budget(maxUnavailable, false);
  const podAnnotations = t.strings(`${path}.podAnnotations`, k.take('podAnnotations'));
  if (podAnnotations) out.podAnnotations = { ...out.podAnnotations, ...podAnnotations };
  const priority = t.str(`${path}.priorityClassName`, k.take('priorityClassName'));
  if (priority) out.priorityClassName = priority;
  const probe = t.map(`${path}.readinessProbe`, k.take('readinessProbe'));
  if (Object.keys(probe.value).length) {
    const secs = (key: string) => {
      const n = t.num(`${probe.path}.${key}`, probe.take(key));
      return n === undefined ? undefined : Duration.seconds(n);
    };
    out.readinessProbe = {
      initialDelaySeconds: secs('initialDelaySeconds'),
      periodSeconds: secs('periodSeconds'),
      timeoutSeconds: secs('timeoutSeconds'),
      failureThreshold: t.num(`${probe.path}.failureThreshold`, probe.take('failureThreshold')),
      successThreshold: t.num(`${probe.path}.successThreshold`, probe.take('successThreshold')),
    };
  }
  probe.done({ '*': 'the check itself stays the component\'s; only its timing (initialDelaySeconds, periodSeconds, timeoutSeconds, thresholds) can be tuned' });
  const res = k.take('resources');
  if (res !== undefined) out.resources = resources(t, `${path}.resources`, res);
  const sc = t.map(`${path}.securityContext`, k.take('securityContext'));
  if (Object.keys(sc.value).length) {
    const seccomp = t.map(`${sc.path}.seccompProfile`, sc.take('seccompProfile'));
    const security: PodSecurityOptions = {
      runAsUser: t.num(`${sc.path}.runAsUser`, sc.take('runAsUser')),
      runAsGroup: t.num(`${sc.path}.runAsGroup`, sc.take('runAsGroup')),
      runAsNonRoot: t.bool(`${sc.path}.runAsNonRoot`, sc.take('runAsNonRoot')),
      fsGroup: t.num(`${sc.path}.fsGroup`, sc.take('fsGroup')),
      supplementalGroups: t.list(`${sc.path}.supplementalGroups`, sc.take('supplementalGroups')).map((g, i) => t.num(`${sc.path}.supplementalGroups[${i}]`, g)!),
      sysctls: t.list(`${sc.path}.sysctls`, sc.take('sysctls')).map((s, i) => {
        const m = t.map(`${sc.path}.sysctls[${i}]`, s);
        const out2 = { name: t.str(`${m.path}.name`, m.take('name'))!, value: t.str(`${m.path}.value`, m.take('value')) ?? '' };
        m.done();
        return out2;
      }),
      seccompProfile: t.enumValue(`${seccomp.path}.type`, seccomp.take('type'), SeccompProfileType),
      seccompLocalhostProfile: t.str(`${seccomp.path}.localhostProfile`, seccomp.take('localhostProfile')),
    };
    seccomp.done();
    sc.done();
    out.podSecurityContext = Object.fromEntries(Object.entries(security).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  }
  const service = t.map(`${path}.service`, k.take('service'));
  const svc: Record<string, any> = {};
  const serviceAnnotations = t.strings(`${path}.serviceAnnotations`, k.take('serviceAnnotations'));
  if (serviceAnnotations) svc.annotations = serviceAnnotations;
  if (Object.keys(service.value).length) {
    const type = t.enumValue(`${service.path}.type`, service.take('type'), GatewayServiceType);
    const ports = service.take('ports');
    const etp = t.enumValue(`${service.path}.externalTrafficPolicy`, service.take('externalTrafficPolicy'), ExternalTrafficPolicy);
    const ranges = t.stringList(`${service.path}.loadBalancerSourceRanges`, service.take('loadBalancerSourceRanges'));
    if (isIstiod && (type || ports || etp || ranges)) {
      t.unsupported(`${service.path}`, 'istiod\'s Service keeps its type and ports; only annotations, loadBalancerIP/Class, sessionAffinity and ipFamilies are settable');
    }
    if (type) out.serviceType = type;
    if (etp) out.externalTrafficPolicy = etp;
    if (ranges) out.loadBalancerSourceRanges = ranges;
    if (ports !== undefined) {
      out.ports = t.list(`${service.path}.ports`, ports).map((p, i): GatewayInstallationPort => {
        const port = t.map(`${service.path}.ports[${i}]`, p);
        const result = {
          name: t.str(`${port.path}.name`, port.take('name'))!,
          port: t.num(`${port.path}.port`, port.take('port'))!,
          targetPort: t.num(`${port.path}.targetPort`, port.take('targetPort')),
          nodePort: t.num(`${port.path}.nodePort`, port.take('nodePort')),
          protocol: t.enumValue(`${port.path}.protocol`, port.take('protocol'), GatewayPortProtocol),
        };
        port.done();
        return result;
      });
    }
    svc.loadBalancerIp = t.str(`${service.path}.loadBalancerIP`, service.take('loadBalancerIP'));
    svc.loadBalancerClass = t.str(`${service.path}.loadBalancerClass`, service.take('loadBalancerClass'));
    svc.sessionAffinity = t.enumValue(`${service.path}.sessionAffinity`, service.take('sessionAffinity'), SessionAffinity);
    const affinityConfig = t.map(`${service.path}.sessionAffinityConfig`, service.take('sessionAffinityConfig'));
    const clientIp = t.map(`${affinityConfig.path}.clientIP`, affinityConfig.take('clientIP'));
    const timeout = t.num(`${clientIp.path}.timeoutSeconds`, clientIp.take('timeoutSeconds'));
    if (timeout !== undefined) svc.sessionAffinityTimeout = Duration.seconds(timeout);
    clientIp.done();
    affinityConfig.done();
    const families = service.take('ipFamilies');
    if (families !== undefined) svc.ipFamilies = t.list(`${service.path}.ipFamilies`, families).map((f, i) => t.enumValue(`${service.path}.ipFamilies[${i}]`, f, IpFamily));
    svc.ipFamilyPolicy = t.enumValue(`${service.path}.ipFamilyPolicy`, service.take('ipFamilyPolicy'), IpFamilyPolicy);
    service.take('selector');
    if (present(service.value.selector)) t.unsupported(`${service.path}.selector`, 'use the gateway\'s label (selectorLabels)');
    service.done({ '*': 'use mesh.addOverlay() with a JsonPatch on the Service' });
  }
  for (const key of Object.keys(svc)) if (svc[key] === undefined) delete svc[key];
  if (Object.keys(svc).length) out.service = { ...out.service, ...svc } as ComponentServiceOptions;
  const strategy = t.map(`${path}.strategy`, k.take('strategy'));
  const rolling = t.map(`${strategy.path}.rollingUpdate`, strategy.take('rollingUpdate'));
  const maxSurge = intOrPercent(t, `${rolling.path}.maxSurge`, rolling.take('maxSurge'));
  const maxUnavail = intOrPercent(t, `${rolling.path}.maxUnavailable`, rolling.take('maxUnavailable'));
  if (maxSurge || maxUnavail) out.rollingUpdate = { maxSurge, maxUnavailable: maxUnavail };
  rolling.done();
  if (strategy.take('type') !== undefined && strategy.value.type !== 'RollingUpdate') {
    t.unsupported(`${strategy.path}.type "${strategy.value.type}"`, 'the components roll out with RollingUpdate; tune it with rollingUpdate');
  }
  strategy.done();
  const tol = k.take('tolerations');
  if (tol !== undefined) out.tolerations = tolerations(t, `${path}.tolerations`, tol);
  const spread = k.take('topologySpreadConstraints');
  if (spread !== undefined) {
    out.topologySpreadConstraints = t.list(`${path}.topologySpreadConstraints`, spread).map((s, i): TopologySpread => {
      const m = t.map(`${path}.topologySpreadConstraints[${i}]`, s);
      const sel = t.map(`${m.path}.labelSelector`, m.take('labelSelector'));
      const labels = t.strings(`${sel.path}.matchLabels`, sel.take('matchLabels'));
      sel.done({ matchExpressions: 'spread constraints select pods by matchLabels in this library' });
      const result = {
        topology: kplus.Topology.custom(t.str(`${m.path}.topologyKey`, m.take('topologyKey')) ?? t.invalid(`${m.path}.topologyKey`, undefined, 'is required')),
        maxSkew: t.num(`${m.path}.maxSkew`, m.take('maxSkew')),
        whenUnsatisfiable: t.enumValue(`${m.path}.whenUnsatisfiable`, m.take('whenUnsatisfiable'), UnsatisfiableSpread),
        minDomains: t.num(`${m.path}.minDomains`, m.take('minDomains')),
        labels,
      };
      m.done();
      return result;
    });
  }
  const vols = k.take('volumes');
  const mounts = k.take('volumeMounts');
  if (vols !== undefined || mounts !== undefined) out.volumes = volumes(t, scope, id, path, vols, mounts);
  t.list(`${path}.overlays`, k.take('overlays')).forEach((o, i) => {
    const m = t.map(`${path}.overlays[${i}]`, o);
    m.take('apiVersion');
    const kind = t.str(`${m.path}.kind`, m.take('kind'))!;
    const name = t.str(`${m.path}.name`, m.take('name')) ?? objectName;
    const patches = t.list(`${m.path}.patches`, m.take('patches')).map((p, j) => {
      const patch = t.map(`${m.path}.patches[${j}]`, p);
      const patchPath = t.str(`${patch.path}.path`, patch.take('path'));
      if (!patchPath) t.invalid(`${patch.path}.path`, patchPath, 'must be a path such as "spec.template.spec.containers.[name:discovery].args[0]"');
      const remove = !('value' in patch.value);
      const value = patch.take('value');
      patch.done();
      return { path: patchPath, value, remove };
    });
    m.done();
    overlays.push({ field: m.path, kind, name, patches });
  });
  k.done({
    '*': `set it on the ${isIstiod ? 'istiod' : nodeAgent ? (component === 'Cni' ? 'cni' : 'ztunnel') : 'gateway'} options in code, or patch the rendered object with an overlay`,
  });
  void component;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Turns istioctl's overlay path (`spec.template.spec.containers.[name:discovery].args[0]`) into
 * JSON patches on `object` (the rendered object, to resolve `[key:value]` selectors). @internal
 */
export function overlayPatches(t: Translator, field: string, object: unknown, patches: OperatorOverlay['patches']): JsonPatch[] {
  return patches.map((p, i) => {
    const at = `${field}.patches[${i}].path`;
    const segments: string[] = [];
    let node: any = object;
    const tokens = p.path.replace(/\[/g, '.[').split('.').filter(s => s.length > 0);
    tokens.forEach((token, j) => {
      const last = j === tokens.length - 1;
      const selector = /^\[([^:\]]+):(.*)\]$/.exec(token);
      const index = /^\[(-?\d+)\]$/.exec(token);
      let key: string;
      if (selector) {
        if (!Array.isArray(node)) t.invalid(at, p.path, `"${token}" selects a list item, but the object has no list there`);
        const k = Number(node.findIndex((item: any) => String(item?.[selector[1]]) === selector[2]));
        if (k < 0) t.invalid(at, p.path, `no item of the list has ${selector[1]}: ${selector[2]}`);
        key = String(k);
      } else if (index) {
        if (!Array.isArray(node)) t.invalid(at, p.path, `"${token}" indexes a list, but the object has no list there`);
        const n = Number(index[1]);
        key = n < 0 ? (last && !p.remove ? '-' : String(node.length + n)) : String(n);
      } else {
        key = token;
      }
      segments.push(key.replace(/~/g, '~0').replace(/\//g, '~1'));
      node = node === undefined || node === null ? undefined : node[key];
    });
    const pointer = '/' + segments.join('/');
    if (p.remove) return JsonPatch.remove(pointer);
    return node === undefined ? JsonPatch.add(pointer, p.value) : JsonPatch.replace(pointer, p.value);
  });
}
