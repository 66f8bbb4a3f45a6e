import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../bindcar/config.js';
import {
  normalizeZoneConfig,
  parseAclElement,
  parseServerAddress,
  parseZoneConfig,
  renderZoneConfig,
  sameZoneConfig,
  zoneOptionErrors,
  type ZoneOptions,
} from '../../bindcar/zone-config.js';
import { addZoneReplacing, createRndc, RndcError, type ExecFileFn, type Rndc } from '../../bindcar/rndc.js';
import { NamedTimeoutError, NamedUnavailableError } from '../../bindcar/errors.js';

const execFileP = promisify(execFile);

describe('bindcar/config parseConfig', () => {
  const base = { BINDCAR_UPDATE_KEY_SECRET: 'c2VjcmV0' };
  it('reads the extra dnssec-policy and key names named.conf defines', () => {
    const r = parseConfig({ ...base, BINDCAR_DNSSEC_POLICIES: 'fast, slow', BINDCAR_KEY_NAMES: 'peer-key' });
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.config.dnssecPolicies).to.deep.equal(['fast', 'slow']);
    expect(r.config.keyNames).to.deep.equal(['peer-key']);
    expect((parseConfig(base) as { config: { dnssecPolicies: string[] } }).config.dnssecPolicies).to.deep.equal([]);
  });
  it('has upstream-compatible defaults', () => {
    const r = parseConfig(base);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.config).to.deep.include({ port: 8080, address: '0.0.0.0', zoneDir: '/var/cache/bind' });
    expect(r.config.dns).to.deep.equal({ host: '127.0.0.1', port: 53, timeoutMs: 5000 });
    expect(r.config.auth).to.deep.equal({ mode: 'none' });
  });
  it('lets flags win over the environment and splits RNDC_SERVER host:port', () => {
    const r = parseConfig({ ...base, API_PORT: '9000', RNDC_SERVER: '127.0.0.1:9953' }, [
      '--port',
      '8081',
      '--zone-dir=/zones',
      '--i-know-this-is-insecure',
    ]);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.config.port).to.equal(8081);
    expect(r.config.zoneDir).to.equal('/zones');
    expect(r.config.rndc).to.include({ server: '127.0.0.1', port: 9953 });
    expect(r.config.allowInsecure).to.equal(true);
  });
  it('splits RNDC_SERVER [v6]:port and host:port, and leaves a bare IPv6 address whole', () => {
    const server = (v: string) => {
      const r = parseConfig({ ...base, RNDC_SERVER: v });
      return r.ok ? { server: r.config.rndc.server, port: r.config.rndc.port } : r.errors;
    };
    expect(server('[::1]:9953')).to.deep.equal({ server: '::1', port: 9953 });
    expect(server('rndc.bind.svc:9953')).to.deep.equal({ server: 'rndc.bind.svc', port: 9953 });
    expect(server('2001:db8:0:0:0:0:0:1')).to.deep.equal({ server: '2001:db8:0:0:0:0:0:1', port: undefined });
    expect(server('fe80::1')).to.deep.equal({ server: 'fe80::1', port: undefined });
  });
  it('selects the auth mode from the variables', () => {
    const t = parseConfig({ ...base, BIND_API_TOKEN: 'x'.repeat(20) });
    expect(t.ok && t.config.auth.mode).to.equal('token');
    const tr = parseConfig({
      ...base,
      BIND_ALLOWED_SERVICE_ACCOUNTS: 'system:serviceaccount:a:b, system:serviceaccount:c:d',
    });
    expect(tr.ok && tr.config.auth).to.deep.include({
      mode: 'tokenreview',
      audiences: ['bindcar'],
      allowedServiceAccounts: ['system:serviceaccount:a:b', 'system:serviceaccount:c:d'],
    });
  });
  const bad: [string, Record<string, string>, string[]][] = [
    ['a non-numeric port', { API_PORT: 'http' }, []],
    ['a port out of range', { API_PORT: '70000' }, []],
    ['no update key', {}, []],
    ['an unknown flag', {}, ['--frobnicate']],
    ['a flag without value', {}, ['--port']],
    ['an unknown auth mode', { BINDCAR_AUTH_MODE: 'magic' }, []],
    ['an invalid key name', { BINDCAR_UPDATE_KEY_NAME: 'k"; }' }, []],
    ['an invalid dnssec-policy name', { BINDCAR_DNSSEC_POLICIES: 'ok, bad"; };' }, []],
    ['an invalid extra key name', { BINDCAR_KEY_NAMES: 'k k' }, []],
  ];
  for (const [name, env, argv] of bad) {
    it(`reports ${name}`, () => {
      const r = parseConfig({ ...(name === 'no update key' ? {} : base), ...env }, argv);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.join(' ')).to.have.length.greaterThan(0);
    });
  }
});

describe('bindcar/zone-config', () => {
  const opts: ZoneOptions = {
    type: 'primary',
    file: '/var/cache/bind/example.com.zone',
    updateKey: 'bindcar-update',
    alsoNotify: ['192.0.2.1', '192.0.2.2:5300', '[2001:db8::1]:53', '198.51.100.1 port 54'],
    allowTransfer: ['10.0.0.0/8', 'key xfr-key', '!192.0.2.66', '2001:db8::/32'],
    dnssecPolicy: 'default',
  };
  it('renders the addzone block', () => {
    expect(renderZoneConfig(opts)).to.equal(
      '{ type primary; file "/var/cache/bind/example.com.zone"; allow-update { key "bindcar-update"; }; check-integrity no; allow-transfer { key "bindcar-update"; 10.0.0.0/8; key "xfr-key"; !192.0.2.66; 2001:db8::/32; }; also-notify { 192.0.2.1; 192.0.2.2 port 5300; 2001:db8::1 port 53; 198.51.100.1 port 54; }; dnssec-policy "default"; };',
    );
  });
  it('renders a block named-checkconf accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bindcar-zc-'));
    try {
      const conf = `key "bindcar-update" { algorithm hmac-sha256; secret "c2VjcmV0"; };\nkey "xfr-key" { algorithm hmac-sha256; secret "c2VjcmV0"; };\nzone "example.com" ${renderZoneConfig(opts)}\nzone "sec.example" ${renderZoneConfig({ type: 'secondary', file: '/tmp/x.zone', updateKey: 'bindcar-update', primaries: ['192.0.2.1 key xfr-key', '192.0.2.9:5353'] })}\n`;
      await writeFile(join(dir, 'named.conf'), conf);
      await execFileP('named-checkconf', [join(dir, 'named.conf')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('compares configs the way named re-prints them (order, spacing, quotes)', () => {
    const mine = renderZoneConfig({
      type: 'primary',
      file: '/z/a.zone',
      updateKey: 'k',
      allowTransfer: ['10.0.0.0/8'],
    });
    const named =
      'zone "a" { type primary; file "/z/a.zone"; allow-transfer  { key "k"; 10.0.0.0/8; }; allow-update { key "k"; }; check-integrity no; };';
    expect(sameZoneConfig(mine, named)).to.equal(true);
    expect(sameZoneConfig(mine, named.replace('10.0.0.0/8', '10.0.0.0/16'))).to.equal(false);
  });
  it("parses showzone output back into options without bindcar's own key", () => {
    const named =
      'zone "a" { type primary; file "/z/a.zone"; allow-transfer  { key "k"; 10.0.0.0/8; key "x"; }; allow-update { key "k"; }; also-notify { 192.0.2.1 port 53; }; };';
    expect(parseZoneConfig(normalizeZoneConfig(named), 'k')).to.deep.equal({
      updateKey: 'k',
      type: 'primary',
      file: '/z/a.zone',
      allowTransfer: ['10.0.0.0/8', 'key x'],
      allowUpdate: [],
      alsoNotify: ['192.0.2.1 port 53'],
    });
    expect(
      parseZoneConfig(normalizeZoneConfig('zone "a" { type primary; file "/z"; update-policy local; };'), 'k'),
    ).to.equal(undefined);
  });
  const badAddresses = [
    'evil.example.com',
    '192.0.2.1:0',
    '192.0.2.1:70000',
    '192.0.2.1; }',
    '[2001:db8::1]',
    '192.0.2.1 key x"y',
    '',
  ];
  for (const a of badAddresses) {
    it(`rejects server address ${JSON.stringify(a)}`, () => expect(parseServerAddress(a, true).ok).to.equal(false));
  }
  const badAcl = ['10.0.0.0/33', 'any; }', 'key', 'key a b', '10.0.0.0/8/8', 'localhost'];
  for (const a of badAcl) {
    it(`rejects ACL element ${JSON.stringify(a)}`, () => expect(parseAclElement(a).ok).to.equal(false));
  }
  it('names every invalid option field', () => {
    expect(
      zoneOptionErrors({ type: 'secondary', alsoNotify: ['x'], allowTransfer: ['y'], dnssecPolicy: 'a b' }).map(
        (e) => e.field,
      ),
    ).to.deep.equal(['alsoNotify/0', 'allowTransfer/0', 'dnssecPolicy', 'primaries']);
  });
});

describe('bindcar/rndc seam', () => {
  function fakeExec(
    result: { err?: Partial<Error & { code: number | string; killed: boolean }>; stdout?: string; stderr?: string },
    calls: string[][],
  ): ExecFileFn {
    return (file, args, _opts, cb) => {
      calls.push([file, ...args]);
      setImmediate(() =>
        cb(result.err ? Object.assign(new Error('x'), result.err) : null, result.stdout ?? '', result.stderr ?? ''),
      );
      return undefined;
    };
  }
  it('runs rndc with an argv array including -c/-s/-p', async () => {
    const calls: string[][] = [];
    const r = createRndc({
      confPath: '/etc/rndc.conf',
      server: '127.0.0.1',
      port: 953,
      execFile: fakeExec({ stdout: 'ok\n' }, calls),
    });
    expect(await r.run(['addzone', 'example.com', '{ type primary; };'])).to.equal('ok\n');
    expect(calls).to.deep.equal([
      ['rndc', '-c', '/etc/rndc.conf', '-s', '127.0.0.1', '-p', '953', 'addzone', 'example.com', '{ type primary; };'],
    ]);
  });
  const errs: { name: string; result: Parameters<typeof fakeExec>[0]; type: new (...a: never[]) => Error }[] = [
    { name: 'ENOENT', result: { err: { code: 'ENOENT' } }, type: NamedUnavailableError },
    { name: 'a timeout', result: { err: { killed: true, code: 1 } }, type: NamedTimeoutError },
    {
      name: 'connection refused',
      result: { err: { code: 1 }, stderr: 'rndc: connect failed: 127.0.0.1#953: connection refused' },
      type: NamedUnavailableError,
    },
    {
      name: 'a zone error',
      result: { err: { code: 1 }, stderr: "rndc: 'zonestatus' failed: not found\nno matching zone 'x' in any view" },
      type: RndcError,
    },
  ];
  for (const e of errs) {
    it(`maps ${e.name} to ${e.type.name}`, async () => {
      const r = createRndc({ execFile: fakeExec(e.result, []) });
      const err = await r.run(['status']).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(err).to.be.instanceOf(e.type);
    });
  }
  it('exposes notFound / alreadyExists from stderr', () => {
    expect(new RndcError('zonestatus', 1, "no matching zone 'x' in any view").notFound).to.equal(true);
    expect(new RndcError('addzone', 1, "rndc: 'addzone' failed: already exists").alreadyExists).to.equal(true);
  });
  it('replaces a zone named has configured but does not serve, and maps other addzone refusals', async () => {
    const calls: string[] = [];
    const answers: Record<string, RndcError[]> = {
      addzone: [new RndcError('addzone', 1, "rndc: 'addzone' failed: already exists")],
      delzone: [new RndcError('delzone', 1, "rndc: 'delzone' failed: not found")],
    };
    const rndc: Rndc = {
      run: async (args) => {
        calls.push(args[0]!);
        const e = answers[args[0]!]?.shift();
        if (e) throw e;
        return '';
      },
    };
    await addZoneReplacing(rndc, 'a.test', '{ type primary; };');
    expect(calls).to.deep.equal(['addzone', 'delzone', 'addzone']);
    answers['addzone'] = [new RndcError('addzone', 1, "rndc: 'addzone' failed: bad zone")];
    const err = await addZoneReplacing(rndc, 'a.test', '{ type primary; };', () => new Error('mapped')).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect((err as Error).message).to.equal('mapped');
  });
});
