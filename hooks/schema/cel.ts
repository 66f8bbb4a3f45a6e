/**
 * The CRDs' CEL rules (`x-kubernetes-validations`), re-checked in TypeScript.
 *
 * Ajv cannot run CEL, so hooks and the CLI would otherwise accept objects the apiserver rejects
 * (e.g. objects read from a GitOps folder by `bindy validate` or local mode). Each CEL expression
 * of `CEL_RULES` (generated from crds/*.yaml) has a TypeScript predicate here, keyed by the exact
 * expression text, evaluated on the same node (`self`) with the same message — so a rule added to a
 * CRD without a predicate fails at module load (and in the tests), never silently.
 * CEL semantics: https://kubernetes.io/docs/reference/using-api/cel/
 */
import { RECORD_TYPES } from '../../dns/contract.js';
import { CEL_RULES, type BindyKind } from './generated.js';
import { isBindyKind, schemaErrors, type FieldError } from './validate.js';

type Pred = (self: unknown) => boolean;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** CEL `has(self.f)`: the field is present (null counts as absent, as the apiserver prunes nulls). */
const has = (o: unknown, f: string): boolean => isObj(o) && o[f] !== undefined && o[f] !== null;
const get = (o: unknown, f: string): unknown => (isObj(o) ? o[f] : undefined);
const size = (v: unknown): number => (Array.isArray(v) ? v.length : isObj(v) ? Object.keys(v).length : 0);

// Regexes copied verbatim from the CEL expressions they mirror (RE2 ∩ ECMAScript).
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const ACL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const SRV_OWNER =
  /^_[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.]_[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?([.].+)?$/;
const TLSA_OWNER = /^_[0-9]{1,5}[.]_[A-Za-z0-9-]+([.].+)?$/;
const BUILTIN_ACLS = ['any', 'none', 'localhost', 'localnets'];

/** CEL expression text (exactly as in the CRD) → predicate on `self`. */
const PREDICATES: Record<string, Pred> = {
  '!(has(self.ipv4Address) && has(self.ipv4Addresses))': (s) => !(has(s, 'ipv4Address') && has(s, 'ipv4Addresses')),
  'has(self.ipv4Address) || has(self.ipv4Addresses)': (s) => has(s, 'ipv4Address') || has(s, 'ipv4Addresses'),
  '!(has(self.ipv6Address) && has(self.ipv6Addresses))': (s) => !(has(s, 'ipv6Address') && has(s, 'ipv6Addresses')),
  'has(self.ipv6Address) || has(self.ipv6Addresses)': (s) => has(s, 'ipv6Address') || has(s, 'ipv6Addresses'),
  "!has(self.name) || self.name != '@'": (s) => !has(s, 'name') || get(s, 'name') !== '@',
  "self.name.matches('^_[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.]_[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?([.].+)?$')":
    (s) => typeof get(s, 'name') !== 'string' || SRV_OWNER.test(get(s, 'name') as string),
  "self.tag != 'iodef' || self.value.startsWith('mailto:') || self.value.startsWith('https://') || self.value.startsWith('http://')":
    (s) => {
      const v = get(s, 'value');
      return get(s, 'tag') !== 'iodef' || (typeof v === 'string' && /^(mailto:|https:\/\/|http:\/\/)/.test(v));
    },
  '!(has(self.primaryNameServer) && has(self.primaryNs))': (s) => !(has(s, 'primaryNameServer') && has(s, 'primaryNs')),
  'has(self.primaryNameServer) || has(self.primaryNs)': (s) => has(s, 'primaryNameServer') || has(s, 'primaryNs'),
  'has(self.clusterRef) || has(self.bind9InstancesFrom) || has(self.powerDnsServerRef) || has(self.powerDnsServersFrom)':
    (s) =>
      has(s, 'clusterRef') ||
      has(s, 'bind9InstancesFrom') ||
      has(s, 'powerDnsServerRef') ||
      has(s, 'powerDnsServersFrom'),
  "self == '.' || self.matches('[^.][.][^.]')": (s) => typeof s !== 'string' || s === '.' || /[^.][.][^.]/.test(s),
  'self == 0 || self == 128': (s) => typeof s !== 'number' || s === 0 || s === 128,
  'has(self.ipBlock) != (has(self.namespaceSelector) || has(self.podSelector))': (s) =>
    has(s, 'ipBlock') !== (has(s, 'namespaceSelector') || has(s, 'podSelector')),
  'has(self.name) || has(self.type) || has(self.value)': (s) => has(s, 'name') || has(s, 'type') || has(s, 'value'),
  "has(self.policy) && self.policy == 'Selector' ? has(self.selector) : !has(self.selector)": (s) =>
    get(s, 'policy') === 'Selector' ? has(s, 'selector') : !has(s, 'selector'),
  "self.operator in ['In', 'NotIn'] ? (has(self.values) && size(self.values) > 0) : (!has(self.values) || size(self.values) == 0)":
    (s) =>
      ['In', 'NotIn'].includes(get(s, 'operator') as string)
        ? has(s, 'values') && size(get(s, 'values')) > 0
        : !has(s, 'values') || size(get(s, 'values')) === 0,
  "self.all(k, size(k) <= 253 && k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'))":
    (s) => Object.keys(isObj(s) ? s : {}).every((k) => k.length <= 253 && LABEL_KEY.test(k)),
  "self.all(k, size(k) <= 63 && k.matches('^[A-Za-z][A-Za-z0-9_-]{0,62}$') && !(k in ['any', 'none', 'localhost', 'localnets']))":
    (s) => Object.keys(isObj(s) ? s : {}).every((k) => k.length <= 63 && ACL_NAME.test(k) && !BUILTIN_ACLS.includes(k)),
  "!has(self.persistentVolumeClaim) || (has(self.storageType) && self.storageType == 'persistentVolumeClaim')": (s) =>
    !has(s, 'persistentVolumeClaim') || get(s, 'storageType') === 'persistentVolumeClaim',
  "!self.contains('/') || self.lowerAscii().endsWith('.in-addr.arpa') || self.lowerAscii().endsWith('.ip6.arpa')": (
    s,
  ) => typeof s !== 'string' || !s.includes('/') || /\.(in-addr|ip6)\.arpa$/.test(s.toLowerCase()),
  '!(has(self.name) && has(self.address))': (s) => !(has(s, 'name') && has(s, 'address')),
  "self.name != '@'": (s) => get(s, 'name') !== '@',
  "self.name.matches('^_[0-9]{1,5}[.]_[A-Za-z0-9-]+([.].+)?$')": (s) =>
    typeof get(s, 'name') !== 'string' || TLSA_OWNER.test(get(s, 'name') as string),
  'self.priority != 0 || !has(self.params)': (s) => get(s, 'priority') !== 0 || !has(s, 'params'),
  '!has(self.noDefaultAlpn) || !self.noDefaultAlpn || has(self.alpn)': (s) =>
    !has(s, 'noDefaultAlpn') || get(s, 'noDefaultAlpn') !== true || has(s, 'alpn'),
  "(has(self.regexp) && self.regexp != '') != (has(self.replacement) && self.replacement != '.')": (s) =>
    (has(s, 'regexp') && get(s, 'regexp') !== '') !== (has(s, 'replacement') && get(s, 'replacement') !== '.'),
};

// DNSRecordSet: the types bindy owns, and the types it has a grammar for (dns/contract.ts RECORD_TYPES), rule text as in
// crds/dnsrecordsets.yaml — a type added to the grammar without the CRD's list fails here at module load.
const DNSSEC_MAINTAINED = ['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'];
const celList = (l: readonly string[]) => `[${l.map((t) => `'${t}'`).join(', ')}]`;
PREDICATES["self.type != 'SOA'"] = (s) => get(s, 'type') !== 'SOA';
PREDICATES[`!(self.type in ${celList(DNSSEC_MAINTAINED)})`] = (s) =>
  !DNSSEC_MAINTAINED.includes(get(s, 'type') as string);
PREDICATES["self.type != 'NS' || !has(self.name) || self.name != '@'"] = (s) =>
  get(s, 'type') !== 'NS' || get(s, 'name') !== '@';
PREDICATES[`self.type in ${celList(['SOA', ...DNSSEC_MAINTAINED, ...RECORD_TYPES])}`] = (s) =>
  ['SOA', ...DNSSEC_MAINTAINED, ...RECORD_TYPES].includes(get(s, 'type') as string);

// Hex lengths per digest type (TLSA, SSHFP, DS): `self.<type> != N || size(self.<data>) == M`, rule text as in the CRDs.
for (const [typeField, dataField, n, m] of [
  ['matchingType', 'certificateData', 1, 64],
  ['matchingType', 'certificateData', 2, 128],
  ['fingerprintType', 'fingerprint', 1, 40],
  ['fingerprintType', 'fingerprint', 2, 64],
  ['digestType', 'digest', 1, 40],
  ['digestType', 'digest', 2, 64],
  ['digestType', 'digest', 4, 96],
] as const)
  PREDICATES[`self.${typeField} != ${n} || size(self.${dataField}) == ${m}`] = (s) => {
    const d = get(s, dataField);
    return get(s, typeField) !== n || (typeof d === 'string' && d.length === m);
  };

// SVCB/HTTPS: every key `params.mandatory` lists is given (RFC 9460 §8); the CRD spells each key's test out.
const SVC_PARAM_FIELDS: [string, string][] = [
  ['alpn', 'alpn'],
  ['no-default-alpn', 'noDefaultAlpn'],
  ['port', 'port'],
  ['ipv4hint', 'ipv4hint'],
  ['ech', 'ech'],
  ['ipv6hint', 'ipv6hint'],
  ['dohpath', 'dohpath'],
];
PREDICATES[
  `!has(self.mandatory) || self.mandatory.all(k, ${SVC_PARAM_FIELDS.map(([k, f]) => `(k == '${k}' && has(self.${f}))`).join(' || ')})`
] = (s) => {
  const m = get(s, 'mandatory');
  return !Array.isArray(m) || m.every((k) => SVC_PARAM_FIELDS.some(([key, f]) => k === key && has(s, f)));
};

// Address-match entries that look like an ACL name must name a builtin or an ACL of spec.acls
// (BIND rejects the whole named.conf otherwise). Rule text built exactly as in the CRDs.
const BUILTIN_ACL_RE = /^!?(any|none|localhost|localnets)$/;
const ACL_REF_RE = /^!?[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const aclRefCel = (e: string): string =>
  `${e}.matches('^!?(any|none|localhost|localnets)$') || !${e}.matches('^!?[A-Za-z][A-Za-z0-9_-]{0,62}$') || (has(self.acls) && (${e}.startsWith('!') ? ${e}.substring(1) : ${e}) in self.acls)`;
function aclRefOk(spec: unknown, e: unknown): boolean {
  if (typeof e !== 'string' || BUILTIN_ACL_RE.test(e) || !ACL_REF_RE.test(e)) return true;
  const acls = get(spec, 'acls');
  return isObj(acls) && Object.hasOwn(acls, e.startsWith('!') ? e.slice(1) : e);
}
for (const l of [
  'global.allowQuery',
  'global.allowTransfer',
  'global.listenOn',
  'global.listenOnV6',
  'primary.allowTransfer',
  'secondary.allowTransfer',
]) {
  const [parent, list] = l.split('.') as [string, string];
  PREDICATES[
    `!has(self.${parent}) || !has(self.${parent}.${list}) || self.${parent}.${list}.all(e, ${aclRefCel('e')})`
  ] = (s) => {
    const entries = get(get(s, parent), list);
    return !Array.isArray(entries) || entries.every((e) => aclRefOk(s, e));
  };
}
PREDICATES[`!has(self.acls) || self.acls.all(k, self.acls[k].all(e, ${aclRefCel('e')}))`] = (s) => {
  const acls = get(s, 'acls');
  return !isObj(acls) || Object.values(acls).every((v) => !Array.isArray(v) || v.every((e) => aclRefOk(s, e)));
};

/**
 * Transition rules (`oldSelf`, e.g. an immutable spec.zoneName) compare an update with the stored object; they only
 * mean something to the apiserver, so there is no single-object predicate for them.
 */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

const missing = [...new Set(CEL_RULES.map((r) => r.rule))].filter(
  (r) => !isTransitionRule(r) && !Object.hasOwn(PREDICATES, r),
);
if (missing.length)
  throw new Error(`hooks/schema/cel.ts: no TypeScript predicate for CEL rule(s): ${missing.join(' | ')}`);

/** The CEL expressions this module can evaluate (for tests: must cover every CRD rule). */
export const CEL_PREDICATE_RULES: readonly string[] = Object.keys(PREDICATES);

/** Every node at `path` (dotted, `[]` = each list item, `.*` = each map value) with its concrete field path. */
function nodesAt(root: unknown, path: string): { node: unknown; field: string }[] {
  let cur: { node: unknown; field: string }[] = [{ node: root, field: '' }];
  if (path === '.') return cur;
  for (const tok of path.match(/\[\]|[^.[\]]+/g) ?? []) {
    const next: { node: unknown; field: string }[] = [];
    for (const { node, field } of cur) {
      if (tok === '[]') {
        if (Array.isArray(node)) node.forEach((n, i) => next.push({ node: n, field: `${field}[${i}]` }));
      } else if (tok === '*') {
        if (isObj(node))
          for (const [k, v] of Object.entries(node)) next.push({ node: v, field: `${field}[${JSON.stringify(k)}]` });
      } else if (has(node, tok)) {
        next.push({ node: get(node, tok), field: field ? `${field}.${tok}` : tok });
      }
    }
    cur = next;
  }
  return cur;
}

/**
 * The CEL violations of `obj` as the apiserver would report them: `field` is the node carrying the
 * rule plus the rule's `fieldPath` (e.g. `spec.ipv4Addresses`), `message` the rule's message.
 * Rules on absent optional nodes do not run, as in the apiserver.
 */
export function celViolations(kind: BindyKind, obj: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const r of CEL_RULES) {
    if (r.kind !== kind || isTransitionRule(r.rule)) continue;
    const pred = PREDICATES[r.rule]!;
    for (const { node, field } of nodesAt(obj, r.path)) {
      if (!pred(node)) {
        const fp = 'fieldPath' in r ? r.fieldPath : '';
        out.push({ field: field + fp, message: r.message });
      }
    }
  }
  return out;
}

/**
 * Validates any bindy object as the apiserver would: the kind's schema (Ajv) plus its CEL rules.
 * Returns [] when valid. Objects that are not bindy kinds get one error on `kind`.
 * Used by `bindy validate`, local mode and the hooks.
 */
export function validateObject(obj: unknown): FieldError[] {
  const kind = isObj(obj) ? obj['kind'] : undefined;
  if (!isBindyKind(kind)) {
    return [{ field: 'kind', message: `not a bindy.firestoned.io kind: ${JSON.stringify(kind ?? null)}` }];
  }
  const errors = schemaErrors(kind, obj);
  const seen = new Set(errors.map((e) => `${e.field}\u0000${e.message}`));
  for (const e of celViolations(kind, obj)) {
    const key = `${e.field}\u0000${e.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      errors.push(e);
    }
  }
  return errors;
}
