/**
 * The pod contract shared by the workload builder (hooks/children/workload.ts) and the renderers (hooks/render/):
 * where named's files live inside the pod, its ports, the TSIG key names and files of the keys Secret, and the
 * catalog zone. One module both import, so neither imports the other's constants.
 */
import { DEFAULT_CATALOG_ZONE } from '../bindcar/catalog.js';

/** Where things live inside the pod, and the ports. Tests remap it to a temp dir and loopback high ports. */
export interface NamedConfLayout {
  /** Directory of named.conf / named.conf.options / rndc.conf. */
  confDir: string;
  /** Mount of the keys Secret (rndc.key, transfer.key). */
  keysDir: string;
  /** Working directory: zone files, journals, new-zones database. Writable. */
  cacheDir: string;
  /** pid file and session key. Writable (the root filesystem is read-only). */
  runDir: string;
  /** Port named listens on for DNS (the Service maps 53 to it). */
  dnsPort: number;
  /** rndc controls port on 127.0.0.1. */
  rndcPort: number;
}

export const POD_LAYOUT: NamedConfLayout = {
  confDir: '/etc/bind',
  keysDir: '/etc/bind/keys',
  cacheDir: '/var/cache/bind',
  runDir: '/var/run/named',
  dnsPort: 5353,
  // Not 953: the containers run as non-root with every capability dropped (no NET_BIND_SERVICE), so named can
  // only bind ports ≥ 1024 unless the runtime lowers net.ipv4.ip_unprivileged_port_start.
  rndcPort: 9530,
};

export const RNDC_KEY_NAME = 'bindy-rndc';
export const TRANSFER_KEY_NAME = 'bindy-transfer';
/** File names inside the keys Secret (mounted at /etc/bind/keys). */
export const RNDC_KEY_FILE = 'rndc.key';
export const TRANSFER_KEY_FILE = 'transfer.key';

/** The catalog zone name: bindcar's default (`BINDCAR_CATALOG_ZONE`), under `.invalid` so it never clashes. */
export const CATALOG_ZONE = DEFAULT_CATALOG_ZONE;
