/** Label and annotation keys shared by every hook (one spelling each). */
export const LABELS = {
  partOf: 'app.kubernetes.io/part-of',
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  /** On Bind9Instances (and their children): the Bind9Cluster (or ClusterBind9Provider) they belong to. */
  cluster: 'bindy.firestoned.io/cluster',
  /** On Bind9Instances (and their children): primary | secondary. */
  role: 'bindy.firestoned.io/role',
  /** On Bind9Instances: the region they are placed in, when any. */
  region: 'bindy.firestoned.io/region',
  /** On an instance's children: the Bind9Instance name. */
  bind9Instance: 'bindy.firestoned.io/instance',
} as const;

export const ANNOTATIONS = {
  /** Pod-template annotation: hash of the rendered configuration, so a config change rolls the pods. */
  configHash: 'bindy.firestoned.io/config-hash',
} as const;

export const GROUP = 'bindy.firestoned.io';
export const API_VERSION = 'bindy.firestoned.io/v1beta1';
