/**
 * One Ajv instance compiling each generated schema once, on its first use (dns/lazy-validator.ts).
 *
 * The schemas come from `crds/*.yaml` through `scripts/gen-schemas.ts`; this module adds the
 * Kubernetes formats by hand (int32, int64, date-time, byte, …), exports one type guard per kind
 * and turns Ajv errors into `{field, message}` pairs whose `field` is a dotted path
 * (`spec.ipv4Addresses[1]`), the shape the apiserver uses. CEL rules are checked in `cel.ts`.
 */
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import {
  SCHEMAS,
  type AAAARecord,
  type ClusterPowerDNSServer,
  type PowerDNSServer,
  type ARecord,
  type Bind9Cluster,
  type Bind9Instance,
  type BindyKind,
  type CAARecord,
  type ClusterBind9Provider,
  type CNAMERecord,
  type DNSZone,
  type DNSRecordSet,
  type LOCRecord,
  type PTRRecord,
  type TLSARecord,
  type SSHFPRecord,
  type SVCBRecord,
  type HTTPSRecord,
  type NAPTRRecord,
  type DSRecord,
  type DNAMERecord,
  type MXRecord,
  type NSRecord,
  type SRVRecord,
  type TXTRecord,
} from './generated.js';
import { lazyCompiler } from '../../dns/lazy-validator.js';

/** A validation failure: a dotted field path (`spec.zoneName`) and why it is invalid. */
export interface FieldError {
  field: string;
  message: string;
}

/** Thrown by {@link assertValid}; `errors` lists every invalid field. */
export class InvalidSpec extends Error {
  readonly code = 'INVALID_SPEC';
  readonly errors: FieldError[];
  constructor(what: string, errors: FieldError[], options?: { cause?: unknown }) {
    super(`${what} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, options);
    this.name = 'InvalidSpec';
    this.errors = errors;
  }
}

// RFC 3339 date-time as Kubernetes serialises metav1.Time (https://www.rfc-editor.org/rfc/rfc3339#section-5.6).
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// verbose: errors carry parentSchema, used to phrase long-pattern and anyOf failures readably.
const compile = lazyCompiler((Ajv) =>
  new Ajv({ allErrors: true, strict: true, verbose: true })
    // Kubernetes' OpenAPI formats (k8s.io/kube-openapi/pkg/validation/strfmt), the ones our CRDs use.
    .addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1,
    })
    .addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) })
    .addFormat('date-time', {
      type: 'string',
      validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
    })
    .addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s) }),
);

function compileKind<T>(kind: BindyKind): ValidateFunction<T> {
  return compile<T>(SCHEMAS[kind] as unknown as AnySchema);
}

/** Type guard for a DNSZone; on failure `.errors` holds Ajv's errors (see {@link fieldErrors}). */
export const validateDNSZone = compileKind<DNSZone>('DNSZone');
/** Type guard for a Bind9Cluster. */
export const validateBind9Cluster = compileKind<Bind9Cluster>('Bind9Cluster');
/** Type guard for a ClusterBind9Provider. */
export const validateClusterBind9Provider = compileKind<ClusterBind9Provider>('ClusterBind9Provider');
/** Type guard for a Bind9Instance. */
export const validateBind9Instance = compileKind<Bind9Instance>('Bind9Instance');
/** Type guard for an ARecord. */
export const validateARecord = compileKind<ARecord>('ARecord');
/** Type guard for an AAAARecord. */
export const validateAAAARecord = compileKind<AAAARecord>('AAAARecord');
/** Type guard for a CNAMERecord. */
export const validateCNAMERecord = compileKind<CNAMERecord>('CNAMERecord');
/** Type guard for an MXRecord. */
export const validateMXRecord = compileKind<MXRecord>('MXRecord');
/** Type guard for a TXTRecord. */
export const validateTXTRecord = compileKind<TXTRecord>('TXTRecord');
/** Type guard for an NSRecord. */
export const validateNSRecord = compileKind<NSRecord>('NSRecord');
/** Type guard for an SRVRecord. */
export const validateSRVRecord = compileKind<SRVRecord>('SRVRecord');
/** Type guard for a CAARecord. */
export const validateCAARecord = compileKind<CAARecord>('CAARecord');
/** Type guard for a PTRRecord. */
export const validatePTRRecord = compileKind<PTRRecord>('PTRRecord');
/** Type guard for a TLSARecord. */
export const validateTLSARecord = compileKind<TLSARecord>('TLSARecord');
/** Type guard for an SSHFPRecord. */
export const validateSSHFPRecord = compileKind<SSHFPRecord>('SSHFPRecord');
/** Type guard for an SVCBRecord. */
export const validateSVCBRecord = compileKind<SVCBRecord>('SVCBRecord');
/** Type guard for an HTTPSRecord. */
export const validateHTTPSRecord = compileKind<HTTPSRecord>('HTTPSRecord');
/** Type guard for a NAPTRRecord. */
export const validateNAPTRRecord = compileKind<NAPTRRecord>('NAPTRRecord');
/** Type guard for a DSRecord. */
export const validateDSRecord = compileKind<DSRecord>('DSRecord');
/** Type guard for a DNAMERecord. */
export const validateDNAMERecord = compileKind<DNAMERecord>('DNAMERecord');
/** Type guard for a DNSRecordSet. */
export const validateDNSRecordSet = compileKind<DNSRecordSet>('DNSRecordSet');
/** Type guard for a LOCRecord. */
export const validateLOCRecord = compileKind<LOCRecord>('LOCRecord');

/** Type guard for a PowerDNSServer. */
export const validatePowerDNSServer = compileKind<PowerDNSServer>('PowerDNSServer');
/** Type guard for a ClusterPowerDNSServer. */
export const validateClusterPowerDNSServer = compileKind<ClusterPowerDNSServer>('ClusterPowerDNSServer');

/** The compiled validator of every kind, keyed by kind. */
export const VALIDATORS: { readonly [K in BindyKind]: ValidateFunction } = {
  DNSZone: validateDNSZone,
  Bind9Cluster: validateBind9Cluster,
  ClusterBind9Provider: validateClusterBind9Provider,
  Bind9Instance: validateBind9Instance,
  ARecord: validateARecord,
  AAAARecord: validateAAAARecord,
  CNAMERecord: validateCNAMERecord,
  MXRecord: validateMXRecord,
  TXTRecord: validateTXTRecord,
  NSRecord: validateNSRecord,
  SRVRecord: validateSRVRecord,
  CAARecord: validateCAARecord,
  PTRRecord: validatePTRRecord,
  TLSARecord: validateTLSARecord,
  SSHFPRecord: validateSSHFPRecord,
  SVCBRecord: validateSVCBRecord,
  HTTPSRecord: validateHTTPSRecord,
  NAPTRRecord: validateNAPTRRecord,
  DSRecord: validateDSRecord,
  DNAMERecord: validateDNAMERecord,
  DNSRecordSet: validateDNSRecordSet,
  LOCRecord: validateLOCRecord,
  PowerDNSServer: validatePowerDNSServer,
  ClusterPowerDNSServer: validateClusterPowerDNSServer,
};

/** True when `kind` is one of the bindy kinds. */
export function isBindyKind(kind: unknown): kind is BindyKind {
  return typeof kind === 'string' && Object.hasOwn(VALIDATORS, kind);
}

/** Converts a JSON pointer (`/spec/ipv4Addresses/0`) into a dotted field path (`spec.ipv4Addresses[0]`). */
export function pointerToField(pointer: string): string {
  if (!pointer) return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function join(base: string, prop: string): string {
  const p = pointerToField(`/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  return base ? (p.startsWith('[') ? base + p : `${base}.${p}`) : p;
}

/**
 * Maps Ajv errors to field errors: `required` and `additionalProperties` name the missing/unknown
 * field itself, `anyOf` branch noise is folded into one message, duplicates are dropped.
 */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const list = errors ?? [];
  const anyOfs = list.filter((e) => e.keyword === 'anyOf');
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    if (
      e.keyword !== 'anyOf' &&
      anyOfs.some((a) => e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath))
    ) {
      continue;
    }
    const base = pointerToField(e.instancePath);
    let fe: FieldError;
    switch (e.keyword) {
      case 'required':
        fe = { field: join(base, (e.params as { missingProperty: string }).missingProperty), message: 'is required' };
        break;
      case 'additionalProperties':
        fe = {
          field: join(base, (e.params as { additionalProperty: string }).additionalProperty),
          message: 'unknown field',
        };
        break;
      case 'enum':
        fe = {
          field: base,
          message: `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
        };
        break;
      case 'anyOf': {
        const hint = (e.parentSchema as { $comment?: string } | undefined)?.$comment;
        fe = { field: base, message: hint ?? 'does not match any allowed form' };
        break;
      }
      case 'pattern': {
        const pattern = (e.params as { pattern: string }).pattern;
        const desc = (e.parentSchema as { description?: string } | undefined)?.description ?? '';
        fe = {
          field: base,
          message:
            pattern.length <= 80 || !desc
              ? `must match pattern "${pattern}"`
              : `must match pattern (${desc.replace(/\.$/, '')})`,
        };
        break;
      }
      default:
        fe = { field: base, message: e.message ?? e.keyword };
    }
    const key = `${fe.field}\u0000${fe.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(fe);
    }
  }
  return out;
}

/** Runs a kind's schema on `obj` and returns its field errors ([] when valid). */
export function schemaErrors(kind: BindyKind, obj: unknown): FieldError[] {
  const fn = VALIDATORS[kind];
  return fn(obj) ? [] : fieldErrors(fn.errors);
}

/**
 * Asserts `data` passes `fn`; otherwise throws {@link InvalidSpec} whose message lists
 * `field: reason` pairs, e.g. `DNSZone default/example-com is invalid: spec.zoneName: must match pattern …`.
 */
export function assertValid<T>(fn: ValidateFunction<T>, data: unknown, what: string): asserts data is T {
  if (!fn(data)) throw new InvalidSpec(what, fieldErrors(fn.errors));
}
