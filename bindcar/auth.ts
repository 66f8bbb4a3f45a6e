/**
 * Authentication for bindcar's management API.
 *
 * - `token`: a static bearer token, compared as SHA-256 digests with `timingSafeEqual` so neither
 *   content nor length leaks through timing.
 * - `tokenreview`: the bearer token is a Kubernetes ServiceAccount token checked by a
 *   `TokenReviewer` port (the real one uses @kubernetes/client-node's AuthenticationV1Api). The
 *   review must be authenticated (else 401), carry one of our audiences and name an allowlisted
 *   ServiceAccount or namespace (else 403). Outcomes are cached by token digest for ≤ 60 s.
 * - `none`: only allowed on loopback (enforced by `checkAuthStartup`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { forbidden, unauthorized } from './errors.js';

export interface TokenReviewResult {
  authenticated: boolean;
  /** e.g. system:serviceaccount:bindy-system:bindy */
  username?: string;
  audiences?: string[];
  error?: string;
}

/** The port to the Kubernetes TokenReview API. */
export interface TokenReviewer {
  review(token: string, audiences: readonly string[]): Promise<TokenReviewResult>;
}

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'token'; token: string }
  | {
      mode: 'tokenreview';
      reviewer: TokenReviewer;
      audiences: string[];
      /** full `system:serviceaccount:<ns>:<name>` names */
      allowedServiceAccounts: string[];
      allowedNamespaces: string[];
      /** allow any authenticated ServiceAccount (explicit opt-in) */
      allowAnyServiceAccount?: boolean;
      /** cache lifetime, capped at 60 s */
      cacheTtlMs?: number;
      now?: () => number;
    };

/** Identity of an authenticated caller. */
export interface Principal {
  name: string;
}

export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Extract the bearer token or throw 401. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('Missing Authorization header');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized('Invalid Authorization header format. Expected: Bearer <token>');
  return m[1]!;
}

/** Build the request authenticator for `cfg`. */
export function createAuthenticator(cfg: AuthConfig): Authenticator {
  if (cfg.mode === 'none') return async () => ({ name: 'anonymous' });
  if (cfg.mode === 'token') {
    const want = sha256(cfg.token);
    return async (header) => {
      const got = sha256(bearerToken(header));
      if (!timingSafeEqual(got, want)) throw unauthorized('Invalid API token');
      return { name: 'token' };
    };
  }
  const ttl = Math.min(cfg.cacheTtlMs ?? 60000, 60000);
  const now = cfg.now ?? Date.now;
  const cache = new Map<string, { at: number; outcome: Principal | { status: 401 | 403; message: string } }>();
  const allowedSA = new Set(cfg.allowedServiceAccounts);
  const allowedNs = new Set(cfg.allowedNamespaces);
  const decide = (r: TokenReviewResult): Principal | { status: 401 | 403; message: string } => {
    if (!r.authenticated) return { status: 401, message: 'Unauthorized' };
    if (!(r.audiences ?? []).some((a) => cfg.audiences.includes(a)))
      return { status: 403, message: 'token audience not accepted' };
    const user = r.username ?? '';
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
    if (!m) return { status: 403, message: 'only ServiceAccount tokens are accepted' };
    if (cfg.allowAnyServiceAccount || allowedSA.has(user) || allowedNs.has(m[1]!)) return { name: user };
    return { status: 403, message: 'ServiceAccount is not allowed' };
  };
  return async (header) => {
    const token = bearerToken(header);
    const key = sha256(token).toString('hex');
    const t = now();
    let hit = cache.get(key);
    if (!hit || t - hit.at >= ttl) {
      const r = await cfg.reviewer.review(token, cfg.audiences);
      hit = { at: t, outcome: decide(r) };
      if (cache.size > 10000) cache.clear();
      cache.set(key, hit);
    }
    const o = hit.outcome;
    if ('status' in o) throw o.status === 401 ? unauthorized(o.message) : forbidden(o.message);
    return o;
  };
}

/** Whether `address` is a loopback listen address. */
export function isLoopback(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true;
  return isIP(address) === 4 && address.startsWith('127.');
}

/**
 * Startup guard: refuse to run without authentication on a non-loopback address (unless
 * explicitly overridden), and refuse TokenReview with empty allowlists unless any-SA is opted in.
 * @returns an error message, or undefined when the configuration is acceptable
 */
export function checkAuthStartup(cfg: AuthConfig, listenAddress: string, allowInsecure: boolean): string | undefined {
  if (cfg.mode === 'none' && !isLoopback(listenAddress) && !allowInsecure)
    return `refusing to listen on ${listenAddress} without authentication; set BIND_API_TOKEN or BINDCAR_AUTH_MODE=tokenreview (or BINDCAR_ALLOW_INSECURE_AUTH=true)`;
  if (
    cfg.mode === 'tokenreview' &&
    !cfg.allowAnyServiceAccount &&
    !cfg.allowedNamespaces.length &&
    !cfg.allowedServiceAccounts.length
  )
    return 'TokenReview mode needs BIND_ALLOWED_SERVICE_ACCOUNTS or BIND_ALLOWED_NAMESPACES (or BIND_ALLOW_ANY_SERVICEACCOUNT=true)';
  if (cfg.mode === 'token' && cfg.token.length < 16) return 'BIND_API_TOKEN must be at least 16 characters';
  return undefined;
}

export interface KubeTokenReviewerOptions {
  /** explicit API server URL; otherwise in-cluster config, else KUBECONFIG/default */
  apiServer?: string;
  /** bearer token file for the API server (re-read when it changes: projected tokens rotate) */
  tokenPath?: string;
  caPath?: string;
  timeoutMs?: number;
}

/**
 * The real TokenReviewer: `POST /apis/authentication.k8s.io/v1/tokenreviews` through
 * @kubernetes/client-node 1.4.0's AuthenticationV1Api. The client module is loaded on first use,
 * so processes that never review tokens never load it.
 */
export function kubeTokenReviewer(opts: KubeTokenReviewerOptions = {}): TokenReviewer {
  type Api = {
    createTokenReview(p: { body: unknown }): Promise<{
      status?: { authenticated?: boolean; user?: { username?: string }; audiences?: string[]; error?: string };
    }>;
  };
  let api: Api | undefined;
  let apiToken: string | undefined;
  const build = async (): Promise<Api> => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (opts.apiServer) {
      const token = opts.tokenPath ? (await readFile(opts.tokenPath, 'utf8')).trim() : undefined;
      if (opts.tokenPath && token === apiToken && api) return api;
      apiToken = token;
      kc.loadFromOptions({
        // client-node refuses plain http unless skipTLSVerify is set; there is no TLS to verify then
        clusters: [
          {
            name: 'bindcar',
            server: opts.apiServer,
            ...(opts.caPath ? { caFile: opts.caPath } : {}),
            ...(opts.apiServer.startsWith('http://') ? { skipTLSVerify: true } : {}),
          },
        ],
        users: [{ name: 'bindcar', ...(token ? { token } : {}) }],
        contexts: [{ name: 'bindcar', cluster: 'bindcar', user: 'bindcar' }],
        currentContext: 'bindcar',
      });
    } else {
      if (api) return api;
      kc.loadFromDefault(); // in-cluster when KUBERNETES_SERVICE_HOST is set; the client re-reads the SA token
    }
    api = kc.makeApiClient(k8s.AuthenticationV1Api) as unknown as Api;
    return api;
  };
  return {
    async review(token, audiences) {
      const a = await build();
      const timeout = opts.timeoutMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      try {
        const res = await Promise.race([
          a.createTokenReview({
            body: {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenReview',
              spec: { token, audiences: [...audiences] },
            },
          }),
          new Promise<never>(
            (_, rej) =>
              (timer = setTimeout(() => rej(new Error(`TokenReview timed out after ${timeout} ms`)), timeout)),
          ),
        ]);
        const s = res.status ?? {};
        const out: TokenReviewResult = { authenticated: s.authenticated === true, audiences: s.audiences ?? [] };
        if (s.user?.username !== undefined) out.username = s.user.username;
        if (s.error !== undefined) out.error = s.error;
        return out;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
