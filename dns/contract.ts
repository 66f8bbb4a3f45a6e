/**
 * bindcar's own HTTP API: hand-written interfaces plus `JSONSchemaType<T>` schemas, so ajv checks at
 * compile time that schema and interface agree (ajv's `JSONSchemaType`). The validators are those schemas compiled
 * by `npm run gen` (dns/contract-validators.ts).
 *
 * The schemas check shape and ranges only; DNS grammar (names, rdata) is checked by `rdata.ts` /
 * `names.ts`, which give field-precise errors.
 */
import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import * as compiled from './contract-validators.js';
import type { UnmanagedRule } from './unmanaged.js';

/**
 * The record types bindcar serves and compares: every type dns/rdata.ts has a grammar for. Types BIND maintains itself
 * (SOA, DNSSEC's DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, CDS, CDNSKEY) are not records a client declares.
 */
export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'TXT',
  'NS',
  'SRV',
  'CAA',
  'PTR',
  'TLSA',
  'SMIMEA',
  'SSHFP',
  'SVCB',
  'HTTPS',
  'NAPTR',
  'DS',
  'DNAME',
  'RP',
  'HINFO',
  'URI',
  'OPENPGPKEY',
  'DHCID',
  'AFSDB',
  'LOC',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** RFC 2181 §8: a TTL is an unsigned 31-bit value. */
export const MAX_TTL = 2147483647;
/** SOA serials and timers are 32-bit unsigned (RFC 1035 §3.3.13). */
export const MAX_U32 = 4294967295;
/** Upper bound on records in one PUT (a 10k zone is the benchmark; leave ample headroom). */
export const MAX_RECORDS = 200000;
/** Unmanaged-record rules per zone (dns/unmanaged.ts): each is tried on every served record. */
export const MAX_UNMANAGED_RULES = 64;

/**
 * One RR. name: owner relative to the zone ('@' apex, 'www', '*.dev') or absolute with trailing dot;
 * lowercase ASCII/punycode. data: master-file presentation form (RFC 1035 §5.1) for the type, names
 * absolute with dot: A "192.0.2.1", MX "10 mail.example.com.", SRV "10 5 443 sip.example.com.",
 * CAA '0 issue "letsencrypt.org"', TXT '"chunk1" "chunk2"' (quoted, ≤255 bytes per chunk, \" and \\ escaped).
 */
export interface ZoneRecord {
  name: string;
  type: RecordType;
  ttl: number;
  data: string;
}

/** Apex NS host; glue addresses are used only for hosts inside the zone. */
export interface ZoneNameServer {
  hostname: string;
  ipv4Addresses?: string[];
  ipv6Addresses?: string[];
}

export interface SoaSpec {
  mname: string;
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  /** TTL of the SOA RR itself; defaults to the zone $TTL. */
  ttl?: number;
}

/** Body of `PUT /api/v1/zones/{zone}`: the complete desired zone. */
export interface PutZoneBody {
  type: 'primary' | 'secondary';
  /** $TTL */
  ttl: number;
  soa: SoaSpec;
  /** floor: served serial becomes max(serial, current(+1 if content changed)) */
  serial?: number;
  /** apex NS RRset (+ glue A/AAAA); may be empty for secondaries */
  nameServers: ZoneNameServer[];
  records: ZoneRecord[];
  alsoNotify?: string[];
  allowTransfer?: string[];
  primaries?: string[];
  dnssecPolicy?: string;
  /** Served records bindcar leaves alone: never deleted, changed or compared (dns/unmanaged.ts). */
  unmanagedRecords?: UnmanagedRule[];
  /** Hold a change that deletes more than this (answered 409 `DELETIONS_HELD` with a token to acknowledge). */
  deletionGuard?: DeletionGuard;
  /**
   * Who declares the zone (the DNSZone's `namespace/name`). With an owner, a zone named already serves that was not
   * created by a declarative PUT (a zone of named.conf, one created through the upstream API or by another tool) is
   * refused (409 `ZONE_NOT_OWNED`) unless `adopt` is true; bindcar remembers the owner beside the zone file.
   */
  owner?: string;
  adopt?: boolean;
  /**
   * A signed zone's keys to start from when this PUT creates the zone in named (ignored when named serves it
   * already): what an earlier PUT answered in `dnssecKeys`, so a named that lost its directory signs with the keys the
   * parent's DS names instead of making new ones.
   */
  dnssecKeys?: DnssecKeyFiles[];
}

/**
 * One DNSSEC key as named keeps it in its key directory: the three files it writes per key,
 * `K<zone>.+<algorithm>+<key tag>.key` (the DNSKEY RR), `.private` (the private key) and `.state` (the key's timing
 * and state, BIND 9 ARM "dnssec-policy"). bindcar names the files itself from the zone, `algorithm` and `keyTag`, and
 * refuses content that is not a key of the zone with that tag.
 */
export interface DnssecKeyFiles {
  algorithm: number;
  keyTag: number;
  key: string;
  private: string;
  state?: string;
}

/**
 * Deletion guard: a PUT that would delete more served records (RRs bindy manages, TTL changes not counted) than
 * `maxDeletes`, or more than `maxDeletePercent` % of them when the zone serves at least `minRecords` (default 10), is
 * held — nothing is applied — unless `acknowledged` equals the token the held answer gave for exactly that deletion.
 * `baseline`: the most records the caller saw the zone serve lately (PutZoneResult `records`); deletions count from
 * there when it is above what is served, so a deletion spread over several PUTs counts as a whole.
 */
export interface DeletionGuard {
  maxDeletes?: number;
  maxDeletePercent?: number;
  minRecords?: number;
  baseline?: number;
  acknowledged?: string;
}

/** The `details` of a 409 `DELETIONS_HELD`. */
export interface HeldDeletion {
  /** RRs the change would delete, and how many bindy manages now. */
  deletes: number;
  served: number;
  /** Which limit it is above, in the body's terms (`deletionGuard.maxDeletePercent 30`). */
  limit: string;
  /** Acknowledges exactly this deletion: a digest of the deleted RRs. */
  token: string;
  /** The first deleted RRs, `owner type data`. */
  sample: string[];
}

export interface PutZoneResult {
  zone: string;
  serial: number;
  changed: boolean;
  created: boolean;
  added: number;
  removed: number;
  /**
   * RRsets named refused although they passed bindcar's rules (a named setting bindcar does not model, such as a
   * lower `max-records-per-type`): named keeps serving what it had for them; the rest of the zone is applied.
   */
  refused?: RefusedRRset[];
  /** This PUT took the zone over: from another DNSZone (`from`), or data bindy did not create (`adopt`). */
  adopted?: { from?: string };
  /** With a deletion guard: the RRs bindcar manages in the zone now (the next `baseline`). */
  records?: number;
  /** The deletion guard would have held this PUT; its token was acknowledged. */
  acknowledged?: true;
  /** For a zone a dnssec-policy signs: its DNSSEC state, keys and DS as named serves them after this PUT. */
  dnssec?: ZoneDnssec;
  /**
   * For a zone a dnssec-policy signs: the key files named keeps for it now (private keys: the caller stores them
   * where they survive named's directory, and sends them back as the body's `dnssecKeys`), sorted by key tag.
   */
  dnssecKeys?: DnssecKeyFiles[];
  /**
   * Records served but likely wrong (dns/zone-rules.ts warnings: mixed TTLs, duplicates, occluded names, an MX
   * exchange without address), by body field; at most 50.
   */
  warnings?: FieldError[];
}

/**
 * Body of `PATCH /api/v1/zones/{zone}/rrsets`: the RRsets that differ from the zone the last full PUT (or PATCH) to
 * this bindcar set, each with every record it now holds (none: the RRset is deleted). The full PUT stays the source
 * of truth: bindcar answers 409 `PRECONDITION_FAILED` unless it set the zone itself since it started and named still
 * serves `ifSerial` (nothing changed it since), and the caller then sends the full PUT.
 */
export interface PatchRRsetsBody {
  /** The serial the last PUT/PATCH of this zone answered. */
  ifSerial: number;
  /** floor, as in `PutZoneBody` */
  serial?: number;
  rrsets: { name: string; type: RecordType; records: { ttl: number; data: string }[] }[];
  deletionGuard?: DeletionGuard;
}

/** One RRset named refused: absolute owner, type, and named's rcode. */
export interface RefusedRRset {
  owner: string;
  type: RecordType;
  rcode: string;
}

/**
 * A zone's DNSSEC as named serves it (`GET /api/v1/zones/{zone}/dnssec`, and `PutZoneResult.dnssec` of a signed
 * zone): what the parent zone or registrar needs (the DS of every key-signing key named publishes) and how far named
 * got. Read from named: `rndc zonestatus` (secure), `rndc dnssec -status` (policy, key roles) and the served DNSKEY
 * RRset; the DS are computed from the served keys (dns/dnssec.ts).
 */
export interface ZoneDnssec {
  /**
   * unsigned: no dnssec-policy signs the zone; signing: a policy signs it but named does not serve it secure with its
   * DNSKEYs yet (keys being made, the zone being signed); signed: secure, DNSKEY RRset published.
   */
  state: 'unsigned' | 'signing' | 'signed';
  /** the dnssec-policy named applies, when any */
  policy?: string;
  /** the keys of the served DNSKEY RRset, by key tag */
  keys: ZoneDnssecKey[];
  /**
   * DS lines (SHA-256) the parent should serve now, sorted: `zone. IN DS tag alg 2 HEX` as dnssec-dsfromkey -2 prints.
   * The key-signing keys named publishes, except during a KSK rollover (bindcar/dnssec.ts `zoneDnssecOf`): the
   * retiring key's DS until its successor's DNSKEY is omnipresent, then the successor's only.
   */
  ds: string[];
}

export interface ZoneDnssecKey {
  keyTag: number;
  /** DNSSEC algorithm number (RFC 4034 §A.1) and its mnemonic */
  algorithm: number;
  algorithmName?: string;
  /** KSK (SEP flag), ZSK, or CSK (named's combined key: one key signing both) */
  role: 'KSK' | 'ZSK' | 'CSK';
  /** named's view of the DS at the parent (`rndc dnssec -status` "ds:"): hidden until told it is published */
  dsState?: string;
  /** where named takes the key (`goal:`): omnipresent for a key in use or being introduced, hidden for one retiring */
  goal?: string;
  /** named's view of the key's DNSKEY in caches (`dnskey:`): rumoured while it propagates, then omnipresent */
  dnskeyState?: string;
}

/**
 * `POST /api/v1/zones/{zone}/dnssec/checkds`: tell named the parent now serves (`published`) or no longer serves
 * (`withdrawn`) the DS of key `keyTag` (`rndc dnssec -checkds -key TAG published|withdrawn`, BIND 9 ARM), so its key
 * rollovers proceed. Answers the zone's `ZoneDnssecResult` after the change.
 */
export interface CheckDsBody {
  keyTag: number;
  state: 'published' | 'withdrawn';
}

/** `GET /api/v1/zones/{zone}/dnssec` */
export interface ZoneDnssecResult extends ZoneDnssec {
  zone: string;
}

/** `GET /api/v1/zones/{zone}/records` */
export interface ZoneRecordsResult {
  zone: string;
  serial: number;
  records: ZoneRecord[];
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

// ---- upstream-compatible request bodies (firestoned/bindcar src/types.rs, camelCase) ----

export interface UpstreamSoa {
  primaryNs: string;
  adminEmail: string;
  serial?: number;
  refresh?: number;
  retry?: number;
  expire?: number;
  negativeTtl?: number;
}

export interface UpstreamRecord {
  name: string;
  type: string;
  value: string;
  ttl?: number;
  priority?: number;
}

export interface UpstreamZoneConfig {
  ttl: number;
  soa: UpstreamSoa;
  nameServers: string[];
  nameServerIps: Record<string, string>;
  records?: UpstreamRecord[];
  alsoNotify?: string[];
  allowTransfer?: string[];
  primaries?: string[];
  dnssecPolicy?: string;
  inlineSigning?: boolean;
}

/** `POST /api/v1/zones` */
export interface CreateZoneRequest {
  zoneName: string;
  zoneType: 'primary' | 'secondary';
  zoneConfig: UpstreamZoneConfig;
  updateKeyName?: string;
}

/** `PATCH /api/v1/zones/{zone}`: each list replaces the zone's; `[]` clears it. */
export interface ModifyZoneRequest {
  alsoNotify?: string[];
  allowTransfer?: string[];
  allowUpdate?: string[];
}

/** `POST /api/v1/zones/{zone}/records` */
export interface AddRecordRequest {
  name: string;
  type: string;
  value: string;
  ttl?: number;
  priority?: number;
}

/** `PUT /api/v1/zones/{zone}/records` */
export interface UpdateRecordRequest {
  name: string;
  type: string;
  currentValue: string;
  newValue: string;
  ttl?: number;
  priority?: number;
}

/** `DELETE /api/v1/zones/{zone}/records`: no value removes the whole RRset. */
export interface RemoveRecordRequest {
  name: string;
  type: string;
  value?: string;
}

// ---- schemas ----

const ttl = { type: 'integer', minimum: 0, maximum: MAX_TTL } as const;
const u32 = { type: 'integer', minimum: 0, maximum: MAX_U32 } as const;
/** Keys of one zone a PUT may restore (a policy with a KSK, a ZSK and both mid-rollover has four) and one file's size. */
export const MAX_DNSSEC_KEYS = 16;
export const MAX_KEY_FILE = 16384;
const shortStr = { type: 'string', minLength: 1, maxLength: 255 } as const;
const addrList = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 300 },
  maxItems: 64,
  nullable: true,
} as const;

export const zoneRecordSchema: JSONSchemaType<ZoneRecord> = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'ttl', 'data'],
  properties: {
    name: shortStr,
    type: { type: 'string', enum: [...RECORD_TYPES] },
    ttl,
    data: { type: 'string', minLength: 1, maxLength: 4096 },
  },
};

export const putZoneBodySchema: JSONSchemaType<PutZoneBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'ttl', 'soa', 'nameServers', 'records'],
  properties: {
    type: { type: 'string', enum: ['primary', 'secondary'] },
    ttl,
    soa: {
      type: 'object',
      additionalProperties: false,
      required: ['mname', 'rname', 'refresh', 'retry', 'expire', 'minimum'],
      properties: {
        mname: shortStr,
        rname: shortStr,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
        ttl: { ...ttl, nullable: true },
      },
    },
    serial: { ...u32, nullable: true },
    nameServers: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['hostname'],
        properties: {
          hostname: shortStr,
          ipv4Addresses: { ...addrList, maxItems: 16 },
          ipv6Addresses: { ...addrList, maxItems: 16 },
        },
      },
    },
    records: { type: 'array', maxItems: MAX_RECORDS, items: zoneRecordSchema },
    alsoNotify: addrList,
    allowTransfer: addrList,
    primaries: addrList,
    dnssecPolicy: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
    unmanagedRecords: {
      type: 'array',
      maxItems: MAX_UNMANAGED_RULES,
      nullable: true,
      items: {
        type: 'object',
        additionalProperties: false,
        required: [],
        properties: {
          name: { ...shortStr, nullable: true },
          type: { type: 'string', enum: [...RECORD_TYPES], nullable: true },
          value: { type: 'string', minLength: 1, maxLength: 4096, nullable: true },
        },
      },
    },
    deletionGuard: {
      type: 'object',
      additionalProperties: false,
      required: [],
      nullable: true,
      properties: {
        maxDeletes: { type: 'integer', minimum: 0, maximum: MAX_RECORDS, nullable: true },
        maxDeletePercent: { type: 'integer', minimum: 0, maximum: 100, nullable: true },
        minRecords: { type: 'integer', minimum: 0, maximum: MAX_RECORDS, nullable: true },
        baseline: { type: 'integer', minimum: 0, maximum: 2 * MAX_RECORDS, nullable: true },
        acknowledged: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
      },
    },
    owner: { ...shortStr, nullable: true },
    adopt: { type: 'boolean', nullable: true },
    dnssecKeys: {
      type: 'array',
      maxItems: MAX_DNSSEC_KEYS,
      nullable: true,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['algorithm', 'keyTag', 'key', 'private'],
        properties: {
          algorithm: { type: 'integer', minimum: 1, maximum: 255 },
          keyTag: { type: 'integer', minimum: 0, maximum: 65535 },
          key: { type: 'string', minLength: 1, maxLength: MAX_KEY_FILE },
          private: { type: 'string', minLength: 1, maxLength: MAX_KEY_FILE },
          state: { type: 'string', minLength: 1, maxLength: MAX_KEY_FILE, nullable: true },
        },
      },
    },
  },
};

export const patchRRsetsBodySchema: JSONSchemaType<PatchRRsetsBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['ifSerial', 'rrsets'],
  properties: {
    ifSerial: u32,
    serial: { ...u32, nullable: true },
    rrsets: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'records'],
        properties: {
          name: shortStr,
          type: { type: 'string', enum: [...RECORD_TYPES] },
          records: {
            type: 'array',
            maxItems: 100000,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['ttl', 'data'],
              properties: { ttl, data: { type: 'string', minLength: 1, maxLength: 4096 } },
            },
          },
        },
      },
    },
    deletionGuard: putZoneBodySchema.properties!.deletionGuard,
  },
};

export const checkDsBodySchema: JSONSchemaType<CheckDsBody> = {
  type: 'object',
  additionalProperties: false,
  required: ['keyTag', 'state'],
  properties: {
    keyTag: { type: 'integer', minimum: 0, maximum: 65535 },
    state: { type: 'string', enum: ['published', 'withdrawn'] },
  },
};

const upstreamRecordSchema: JSONSchemaType<UpstreamRecord> = {
  type: 'object',
  required: ['name', 'type', 'value'],
  properties: {
    name: shortStr,
    type: { type: 'string', minLength: 1, maxLength: 10 },
    value: { type: 'string', minLength: 1, maxLength: 4096 },
    ttl: { ...ttl, nullable: true },
    priority: { type: 'integer', minimum: 0, maximum: 65535, nullable: true },
  },
};

export const createZoneRequestSchema: JSONSchemaType<CreateZoneRequest> = {
  type: 'object',
  required: ['zoneName', 'zoneType', 'zoneConfig'],
  properties: {
    zoneName: shortStr,
    zoneType: { type: 'string', enum: ['primary', 'secondary'] },
    updateKeyName: { ...shortStr, nullable: true },
    zoneConfig: {
      type: 'object',
      required: ['ttl', 'soa', 'nameServers', 'nameServerIps'],
      properties: {
        ttl,
        soa: {
          type: 'object',
          required: ['primaryNs', 'adminEmail'],
          properties: {
            primaryNs: shortStr,
            adminEmail: shortStr,
            serial: { ...u32, nullable: true },
            refresh: { ...u32, nullable: true },
            retry: { ...u32, nullable: true },
            expire: { ...u32, nullable: true },
            negativeTtl: { ...u32, nullable: true },
          },
        },
        nameServers: { type: 'array', maxItems: 64, items: shortStr },
        nameServerIps: {
          type: 'object',
          required: [],
          maxProperties: 64,
          additionalProperties: { type: 'string', minLength: 1, maxLength: 64 },
        },
        records: { type: 'array', maxItems: MAX_RECORDS, items: upstreamRecordSchema, nullable: true },
        alsoNotify: addrList,
        allowTransfer: addrList,
        primaries: addrList,
        dnssecPolicy: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
        inlineSigning: { type: 'boolean', nullable: true },
      },
    },
  },
};

export const modifyZoneRequestSchema: JSONSchemaType<ModifyZoneRequest> = {
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: { alsoNotify: addrList, allowTransfer: addrList, allowUpdate: addrList },
};

export const addRecordRequestSchema: JSONSchemaType<AddRecordRequest> = {
  ...upstreamRecordSchema,
};

export const updateRecordRequestSchema: JSONSchemaType<UpdateRecordRequest> = {
  type: 'object',
  required: ['name', 'type', 'currentValue', 'newValue'],
  properties: {
    name: shortStr,
    type: { type: 'string', minLength: 1, maxLength: 10 },
    currentValue: { type: 'string', minLength: 1, maxLength: 4096 },
    newValue: { type: 'string', minLength: 1, maxLength: 4096 },
    ttl: { ...ttl, nullable: true },
    priority: { type: 'integer', minimum: 0, maximum: 65535, nullable: true },
  },
};

export const removeRecordRequestSchema: JSONSchemaType<RemoveRecordRequest> = {
  type: 'object',
  required: ['name', 'type'],
  properties: {
    name: shortStr,
    type: { type: 'string', minLength: 1, maxLength: 10 },
    value: { type: 'string', minLength: 1, maxLength: 4096, nullable: true },
  },
};

/**
 * The schema of each validator below. `npm run gen` compiles them into dns/contract-validators.ts
 * (scripts/gen/contract-validators.ts), so bindcar never compiles one; a test fails when that file is stale.
 */
export const CONTRACT_SCHEMAS = {
  validatePutZoneBody: putZoneBodySchema,
  validatePatchRRsetsBody: patchRRsetsBodySchema,
  validateCheckDsBody: checkDsBodySchema,
  validateCreateZoneRequest: createZoneRequestSchema,
  validateModifyZoneRequest: modifyZoneRequestSchema,
  validateAddRecordRequest: addRecordRequestSchema,
  validateUpdateRecordRequest: updateRecordRequestSchema,
  validateRemoveRecordRequest: removeRecordRequestSchema,
} as const;

/** The compiled validator of `name`, typed by its schema's interface. */
const compiledAs = <T>(name: keyof typeof CONTRACT_SCHEMAS) => compiled[name] as unknown as ValidateFunction<T>;

export const validatePutZoneBody = compiledAs<PutZoneBody>('validatePutZoneBody');
export const validatePatchRRsetsBody = compiledAs<PatchRRsetsBody>('validatePatchRRsetsBody');
export const validateCheckDsBody = compiledAs<CheckDsBody>('validateCheckDsBody');
export const validateCreateZoneRequest = compiledAs<CreateZoneRequest>('validateCreateZoneRequest');
export const validateModifyZoneRequest = compiledAs<ModifyZoneRequest>('validateModifyZoneRequest');
export const validateAddRecordRequest = compiledAs<AddRecordRequest>('validateAddRecordRequest');
export const validateUpdateRecordRequest = compiledAs<UpdateRecordRequest>('validateUpdateRecordRequest');
export const validateRemoveRecordRequest = compiledAs<RemoveRecordRequest>('validateRemoveRecordRequest');

/** One schema violation, with the JSON-pointer-ish field path (`records/3/ttl`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Turn ajv errors into `{field, message}` pairs naming the offending field. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    let field = e.instancePath.replace(/^\//, '');
    if (e.keyword === 'required')
      field = field ? `${field}/${String(e.params['missingProperty'])}` : String(e.params['missingProperty']);
    if (e.keyword === 'additionalProperties')
      field = field ? `${field}/${String(e.params['additionalProperty'])}` : String(e.params['additionalProperty']);
    return { field: field || '(body)', message: e.message ?? e.keyword };
  });
}
