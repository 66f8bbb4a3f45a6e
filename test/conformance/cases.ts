/**
 * The DNS conformance table: what a real named must serve for each desired zone content, and what bindy says about
 * it. Derived from DNSControl's public integration suite (StackExchange/dnscontrol, integrationTest/
 * integration_test.go: its testgroups are sequences of complete zone states, `tc()`) and from the RFCs; every step
 * cites its source. Read, never copied: the states are restated in bindy's resources (CRs) and in bindcar's PUT body.
 *
 * Both paths run every group twice (./resources.test.ts, ./put.test.ts): each step on a fresh zone, and the steps in
 * order as updates of one zone that starts empty (DNSControl's tcEmptyZone) and ends empty again. The same desired
 * content must serve the same RRsets either way.
 *
 * Spelling: `{z}` is the zone's name; a TXT CR value is taken literally but for the escapes `\"`, `\\` and `\DDD`
 * (hooks/zone/records.ts `txtOctets`), while the PUT body and the served lines are presentation form (RFC 1035 §5.1,
 * as dig prints it). DNSControl's helpers take raw octets, so its TXT cases are restated in those spellings.
 *
 * The rules' exact wording is test/dns/findings.test.ts's job (every rule, every surface); here a finding is checked
 * by reason, field and a fragment of its message, next to what named serves.
 */
import { TYPE_GROUPS } from './cases-types.js';
import type { Cr, Group, Step } from './support.js';

const dc = (group: string, tc: string) => `dnscontrol integration_test.go testgroup "${group}" / tc "${tc}"`;

const cr =
  (kind: string) =>
  (name: string, spec: Record<string, unknown>): Cr => [kind, name, spec];
const A = cr('ARecord');
const AAAA = cr('AAAARecord');
const CNAME = cr('CNAMERecord');
const MX = cr('MXRecord');
const TXT = cr('TXTRecord');
const NS = cr('NSRecord');
const SRV = cr('SRVRecord');
const CAA = cr('CAARecord');
const PTR = cr('PTRRecord');

/** A TXT value as presentation: quoted character-strings of at most 255 octets (printable ASCII only). */
const chunks = (s: string): string =>
  Array.from({ length: Math.max(1, Math.ceil(s.length / 255)) }, (_, i) => `"${s.slice(i * 255, i * 255 + 255)}"`).join(
    ' ',
  );

/** One DNSControl TXT tc restated: one TXTRecord with the value, served and PUT as `chunks`. */
function txtStep(group: string, tc: string, owner: string, value: string): Step {
  return {
    tc,
    source: dc(group, tc),
    crs: [TXT(owner, { text: [value] })],
    body: [`${owner} 300 TXT ${chunks(value)}`],
    served: [`${owner} 300 TXT ${chunks(value)}`],
  };
}

/** The steps of DNSControl's "SRV" testgroup: [priority, weight, port, target] per record. */
function srvStep(tc: string, recs: [number, number, number, string][]): Step {
  return {
    tc,
    source: dc('SRV', tc),
    crs: recs.map(([priority, weight, port, target], i) =>
      SRV(`sip-${i + 1}`, { name: '_sip._tcp', priority, weight, port, target }),
    ),
    body: recs.map(([p, w, port, t]) => `_sip._tcp 300 SRV ${p} ${w} ${port} ${t}`),
    served: recs.map(([p, w, port, t]) => `_sip._tcp 300 SRV ${p} ${w} ${port} ${t}`),
  };
}

export const GROUPS: Group[] = [
  // ---------------------------------------------------------------- create / change / delete, per type
  {
    name: 'A',
    steps: [
      {
        tc: 'Create A',
        source: dc('A', 'Create A'),
        crs: [A('testa', { ipv4Address: '1.1.1.1' })],
        body: ['testa 300 A 1.1.1.1'],
        served: ['testa 300 A 1.1.1.1'],
      },
      {
        tc: 'Change A target',
        source: dc('A', 'Change A target'),
        crs: [A('testa', { ipv4Address: '3.3.3.3' })],
        body: ['testa 300 A 3.3.3.3'],
        served: ['testa 300 A 3.3.3.3'],
      },
    ],
  },
  {
    name: 'Apex',
    steps: [
      {
        tc: 'Create A',
        source: dc('Apex', 'Create A'),
        crs: [A('apex', { name: '@', ipv4Address: '2.2.2.2' })],
        body: ['@ 300 A 2.2.2.2'],
        served: ['@ 300 A 2.2.2.2'],
      },
      {
        tc: 'Change A target',
        source: dc('Apex', 'Change A target'),
        crs: [A('apex', { name: '@', ipv4Address: '4.4.4.4' })],
        body: ['@ 300 A 4.4.4.4'],
        served: ['@ 300 A 4.4.4.4'],
      },
      {
        tc: 'apex TXT beside the apex A and NS',
        source: 'RFC 1034 §3.6 (an RRset per type at one name; the apex holds SOA, NS and data)',
        crs: [A('apex', { name: '@', ipv4Address: '4.4.4.4' }), TXT('spf', { name: '{z}.', text: ['v=spf1 -all'] })],
        body: ['@ 300 A 4.4.4.4', '@ 300 TXT "v=spf1 -all"'],
        served: ['@ 300 A 4.4.4.4', '@ 300 TXT "v=spf1 -all"'],
      },
    ],
  },
  {
    name: 'Protocol-Wildcard',
    steps: [
      {
        tc: 'Create wildcard',
        source: dc('Protocol-Wildcard', 'Create wildcard') + '; RFC 4592 §2.1.1, §4.1',
        crs: [A('wild', { name: '*', ipv4Address: '3.3.3.3' }), A('www', { ipv4Address: '5.5.5.5' })],
        body: ['* 300 A 3.3.3.3', 'www 300 A 5.5.5.5'],
        served: ['* 300 A 3.3.3.3', 'www 300 A 5.5.5.5'],
        answers: [
          ['anything.{z}', 'A', ['3.3.3.3']],
          ['www.{z}', 'A', ['5.5.5.5']],
        ],
      },
      {
        tc: 'Delete wildcard',
        source: dc('Protocol-Wildcard', 'Delete wildcard'),
        crs: [A('www', { ipv4Address: '5.5.5.5' })],
        body: ['www 300 A 5.5.5.5'],
        served: ['www 300 A 5.5.5.5'],
        answers: [['anything.{z}', 'A', []]],
      },
    ],
  },
  {
    name: 'AAAA',
    steps: [
      {
        tc: 'Create AAAA',
        source: dc('AAAA', 'Create AAAA'),
        crs: [AAAA('testaaaa', { ipv6Address: '2607:f8b0:4006:820::2006' })],
        body: ['testaaaa 300 AAAA 2607:f8b0:4006:820::2006'],
        served: ['testaaaa 300 AAAA 2607:f8b0:4006:820::2006'],
      },
      {
        tc: 'Change AAAA target',
        source: dc('AAAA', 'Change AAAA target') + '; RFC 5952 §4 (canonical text form)',
        // spelled long-hand in both inputs: served in the RFC 5952 form, one RR either way
        crs: [AAAA('testaaaa', { ipv6Addresses: ['2607:F8B0:4006:0820:0000:0000:0000:2013'] })],
        body: ['testaaaa 300 AAAA 2607:F8B0:4006:0820:0:0:0:2013'],
        served: ['testaaaa 300 AAAA 2607:f8b0:4006:820::2013'],
      },
    ],
  },
  {
    name: 'CNAME',
    steps: [
      {
        tc: 'Create a CNAME',
        source: dc('CNAME', 'Create a CNAME'),
        crs: [CNAME('testcname', { target: 'www.google.com.' })],
        body: ['testcname 300 CNAME www.google.com.'],
        served: ['testcname 300 CNAME www.google.com.'],
      },
      {
        tc: 'Change CNAME target',
        source: dc('CNAME', 'Change CNAME target'),
        // without the trailing dot: a CR target is an FQDN either way (crds/cnamerecords.yaml)
        crs: [CNAME('testcname', { target: 'www.yahoo.com' })],
        body: ['testcname 300 CNAME www.yahoo.com.'],
        served: ['testcname 300 CNAME www.yahoo.com.'],
      },
      {
        tc: 'Record pointing to @',
        source: dc('CNAME', 'Record pointing to @'),
        crs: [CNAME('foo', { target: '{z}.' }), A('apex', { name: '@', ipv4Address: '1.2.3.4' })],
        body: ['foo 300 CNAME {z}.', '@ 300 A 1.2.3.4'],
        served: ['foo 300 CNAME {z}.', '@ 300 A 1.2.3.4'],
        answers: [['foo.{z}', 'A', ['1.2.3.4']]],
      },
    ],
  },
  {
    // DNSControl resolves a target without a dot against the domain; bindy's CR target is an FQDN with or without
    // the trailing dot, so a one-label target is refused naming the field and the in-zone name is written in full.
    name: 'CNAME-short',
    steps: [
      {
        tc: 'Create a CNAME (relative target)',
        source: dc('CNAME-short', 'Create a CNAME'),
        crs: [A('foo', { ipv4Address: '1.2.3.4' }), CNAME('testcname', { target: 'foo' })],
        body: ['foo 300 A 1.2.3.4', 'testcname 300 CNAME foo'],
        served: ['foo 300 A 1.2.3.4'],
        status: { testcname: { admission: ['spec.target', 'is a single label'] } },
        refused: [['records/1/data', '"foo" must be absolute']],
      },
      {
        tc: 'the same CNAME, its in-zone target written as an FQDN',
        source: dc('CNAME-short', 'Create a CNAME') + '; RFC 1035 §5.1 (relative names complete with the origin)',
        crs: [A('foo', { ipv4Address: '1.2.3.4' }), CNAME('testcname-fqdn', { name: 'testcname', target: 'foo.{z}' })],
        body: ['foo 300 A 1.2.3.4', 'testcname 300 CNAME foo.{z}.'],
        served: ['foo 300 A 1.2.3.4', 'testcname 300 CNAME foo.{z}.'],
        answers: [['testcname.{z}', 'A', ['1.2.3.4']]],
      },
    ],
  },
  {
    name: 'MX',
    steps: [
      {
        tc: 'Create MX apex',
        source: dc('MX', 'Create MX apex'),
        crs: [MX('mx-apex', { name: '@', priority: 5, mailServer: 'foo.com.' })],
        body: ['@ 300 MX 5 foo.com.'],
        served: ['@ 300 MX 5 foo.com.'],
      },
      {
        tc: 'Change MX apex',
        source: dc('MX', 'Change MX apex'),
        crs: [MX('mx-apex', { name: '@', priority: 5, mailServer: 'bar.com.' })],
        body: ['@ 300 MX 5 bar.com.'],
        served: ['@ 300 MX 5 bar.com.'],
      },
      {
        tc: 'Create MX',
        source: dc('MX', 'Create MX'),
        crs: [MX('testmx', { priority: 5, mailServer: 'foo.com.' })],
        body: ['testmx 300 MX 5 foo.com.'],
        served: ['testmx 300 MX 5 foo.com.'],
      },
      {
        tc: 'Change MX target',
        source: dc('MX', 'Change MX target'),
        crs: [MX('testmx', { priority: 5, mailServer: 'bar.com' })],
        body: ['testmx 300 MX 5 bar.com.'],
        served: ['testmx 300 MX 5 bar.com.'],
      },
      {
        tc: 'Change MX p',
        source: dc('MX', 'Change MX p'),
        crs: [MX('testmx', { priority: 100, mailServer: 'bar.com.' })],
        body: ['testmx 300 MX 100 bar.com.'],
        served: ['testmx 300 MX 100 bar.com.'],
      },
      {
        tc: 'Record pointing to @ (ApexMX)',
        source: dc('ApexMX', 'Record pointing to @'),
        crs: [MX('foo', { priority: 8, mailServer: '{z}.' }), A('apex', { name: '@', ipv4Address: '1.2.3.4' })],
        body: ['foo 300 MX 8 {z}.', '@ 300 A 1.2.3.4'],
        served: ['foo 300 MX 8 {z}.', '@ 300 A 1.2.3.4'],
      },
      {
        tc: 'an in-zone exchange without address (served, with a warning)',
        source:
          'RFC 5321 §5.1 (an MX target must resolve to an address); BIND 9 ARM "check-integrity" (named refuses it in an UPDATE)',
        crs: [MX('mx', { name: '@', priority: 10, mailServer: 'mail.{z}' })],
        body: ['@ 300 MX 10 mail.{z}.'],
        served: ['@ 300 MX 10 mail.{z}.'],
        status: { mx: { warning: 'spec.mailServer: mail server mail.{z}. is inside the zone but has no A/AAAA' } },
      },
    ],
  },
  {
    name: 'TXT',
    steps: [
      txtStep('TXT', 'Create TXT', 'testtxt', 'simple'),
      txtStep('TXT', 'Change TXT target', 'testtxt', 'changed'),
      {
        tc: 'two TXT records at one name (one CR, two values)',
        source: 'RFC 1035 §3.3.14; RFC 2181 §5 (one RRset of two RRs)',
        crs: [TXT('testtxt', { text: ['changed', 'v=spf1 -all'] })],
        body: ['testtxt 300 TXT "changed"', 'testtxt 300 TXT "v=spf1 -all"'],
        served: ['testtxt 300 TXT "changed"', 'testtxt 300 TXT "v=spf1 -all"'],
      },
    ],
  },
  {
    name: 'PTR',
    steps: [
      {
        tc: 'Create PTR record',
        source: dc('PTR', 'Create PTR record'),
        crs: [PTR('ptr-4', { name: '4', ptrdname: 'foo.com' })],
        body: ['4 300 PTR foo.com.'],
        served: ['4 300 PTR foo.com.'],
      },
      {
        tc: 'Modify PTR record',
        source: dc('PTR', 'Modify PTR record'),
        crs: [PTR('ptr-4', { name: '4', ptrdname: 'bar.com' })],
        body: ['4 300 PTR bar.com.'],
        served: ['4 300 PTR bar.com.'],
      },
    ],
  },
  {
    name: 'SRV',
    steps: [
      srvStep('SRV record', [[5, 6, 7, 'foo.com.']]),
      srvStep('Second SRV record, same prio', [
        [5, 6, 7, 'foo.com.'],
        [5, 60, 70, 'foo2.com.'],
      ]),
      srvStep('3 SRV', [
        [5, 6, 7, 'foo.com.'],
        [5, 60, 70, 'foo2.com.'],
        [15, 65, 75, 'foo3.com.'],
      ]),
      srvStep('Delete one', [
        [5, 6, 7, 'foo.com.'],
        [15, 65, 75, 'foo3.com.'],
      ]),
      srvStep('Change Target', [
        [5, 6, 7, 'foo.com.'],
        [15, 65, 75, 'foo4.com.'],
      ]),
      srvStep('Change Priority', [
        [52, 6, 7, 'foo.com.'],
        [15, 65, 75, 'foo4.com.'],
      ]),
      srvStep('Change Weight', [
        [52, 62, 7, 'foo.com.'],
        [15, 65, 75, 'foo4.com.'],
      ]),
      srvStep('Change Port', [
        [52, 62, 72, 'foo.com.'],
        [15, 65, 75, 'foo4.com.'],
      ]),
      srvStep('Null Target', [[15, 65, 75, '.']]),
    ],
  },
  {
    name: 'CAA',
    steps: [
      {
        tc: 'CAA record',
        source: dc('CAA', 'CAA record'),
        crs: [CAA('caa', { name: '@', flags: 0, tag: 'issue', value: 'letsencrypt.org' })],
        body: ['@ 300 CAA 0 issue "letsencrypt.org"'],
        served: ['@ 300 CAA 0 issue "letsencrypt.org"'],
      },
      {
        tc: 'CAA change tag',
        source: dc('CAA', 'CAA change tag'),
        crs: [CAA('caa', { name: '@', flags: 0, tag: 'issuewild', value: 'letsencrypt.org' })],
        body: ['@ 300 CAA 0 issuewild "letsencrypt.org"'],
        served: ['@ 300 CAA 0 issuewild "letsencrypt.org"'],
      },
      {
        tc: 'CAA change target',
        source: dc('CAA', 'CAA change target'),
        crs: [CAA('caa', { name: '@', tag: 'issuewild', value: 'example.com' })],
        body: ['@ 300 CAA 0 issuewild "example.com"'],
        served: ['@ 300 CAA 0 issuewild "example.com"'],
      },
      {
        tc: 'CAA change flag',
        source: dc('CAA', 'CAA change flag') + '; RFC 8659 §4.1 (issuer critical)',
        crs: [CAA('caa', { name: '@', flags: 128, tag: 'issuewild', value: 'example.com' })],
        body: ['@ 300 CAA 128 issuewild "example.com"'],
        served: ['@ 300 CAA 128 issuewild "example.com"'],
      },
      {
        tc: 'CAA many records',
        source: dc('CAA', 'CAA many records') + '; RFC 8659 §4.3 (";" forbids issuance)',
        crs: [CAA('caa', { name: '@', flags: 128, tag: 'issuewild', value: ';' })],
        body: ['@ 300 CAA 128 issuewild ";"'],
        served: ['@ 300 CAA 128 issuewild ";"'],
      },
      {
        tc: 'CAA whitespace',
        source: dc('CAA', 'CAA whitespace') + '; RFC 8659 §4.2 (issuer parameters)',
        crs: [
          CAA('caa', {
            name: '@',
            tag: 'issue',
            value:
              'letsencrypt.org; validationmethods=dns-01; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1234',
          }),
        ],
        body: [
          '@ 300 CAA 0 issue "letsencrypt.org; validationmethods=dns-01; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1234"',
        ],
        served: [
          '@ 300 CAA 0 issue "letsencrypt.org; validationmethods=dns-01; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1234"',
        ],
      },
    ],
  },
  {
    name: 'NS',
    steps: [
      {
        tc: 'NS for subdomain',
        source: dc('NS', 'NS for subdomain') + '; RFC 1034 §4.2.1 (a zone cut)',
        crs: [NS('xyz', { nameserver: 'ns2.foo.com.' })],
        body: ['xyz 300 NS ns2.foo.com.'],
        served: ['xyz 300 NS ns2.foo.com.'],
        answers: [['www.xyz.{z}', 'A', undefined]],
      },
      {
        tc: 'Dual NS for subdomain',
        source: dc('NS', 'Dual NS for subdomain'),
        crs: [NS('xyz', { nameserver: 'ns2.foo.com.' }), NS('xyz-2', { name: 'xyz', nameserver: 'ns1.foo.com' })],
        body: ['xyz 300 NS ns2.foo.com.', 'xyz 300 NS ns1.foo.com.'],
        served: ['xyz 300 NS ns1.foo.com.', 'xyz 300 NS ns2.foo.com.'],
      },
      {
        tc: 'NS Record pointing to @',
        source: dc('NS', 'NS Record pointing to @'),
        crs: [A('apex', { name: '@', ipv4Address: '1.2.3.4' }), NS('foo', { nameserver: '{z}.' })],
        body: ['@ 300 A 1.2.3.4', 'foo 300 NS {z}.'],
        served: ['@ 300 A 1.2.3.4', 'foo 300 NS {z}.'],
      },
    ],
  },
  {
    name: 'NS only APEX',
    steps: [
      {
        tc: 'Single NS at apex',
        source: dc('NS only APEX', 'Single NS at apex'),
        crs: [NS('apex-ns', { name: '@', nameserver: 'ns1.foo.com.' })],
        body: ['@ 300 NS ns1.foo.com.'],
        served: ['@ 300 NS ns1.foo.com.'],
      },
      {
        tc: 'Dual NS at apex',
        source: dc('NS only APEX', 'Dual NS at apex'),
        crs: [
          NS('apex-ns-2', { name: '@', nameserver: 'ns2.foo.com.' }),
          NS('apex-ns', { name: '@', nameserver: 'ns1.foo.com.' }),
        ],
        body: ['@ 300 NS ns2.foo.com.', '@ 300 NS ns1.foo.com.'],
        served: ['@ 300 NS ns1.foo.com.', '@ 300 NS ns2.foo.com.'],
      },
    ],
  },

  // ---------------------------------------------------------------- RRsets, TTLs and type changes
  {
    name: 'ManyAtOnce',
    steps: [
      {
        tc: 'CreateManyAtLabel',
        source: dc('ManyAtOnce', 'CreateManyAtLabel'),
        crs: [
          A('www', { ipv4Address: '1.1.1.1' }),
          A('www-2', { name: 'www', ipv4Address: '2.2.2.2' }),
          A('www-3', { name: 'www', ipv4Address: '3.3.3.3' }),
        ],
        body: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2', 'www 300 A 3.3.3.3'],
        served: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2', 'www 300 A 3.3.3.3'],
      },
      {
        tc: 'the same RRset from one CR (ipv4Addresses)',
        source: 'RFC 2181 §5 (an RRset is its data, not the objects that declare it): no change, the serial stays',
        crs: [A('www-all', { name: 'www', ipv4Addresses: ['3.3.3.3', '1.1.1.1', '2.2.2.2'] })],
        body: ['www 300 A 3.3.3.3', 'www 300 A 1.1.1.1', 'www 300 A 2.2.2.2'],
        served: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2', 'www 300 A 3.3.3.3'],
      },
      {
        tc: 'Empty',
        source: dc('ManyAtOnce', 'tcEmptyZone()'),
        crs: [],
        body: [],
        served: [],
      },
      {
        tc: 'Create an A record',
        source: dc('ManyAtOnce', 'Create an A record'),
        crs: [A('www', { ipv4Address: '1.1.1.1' })],
        body: ['www 300 A 1.1.1.1'],
        served: ['www 300 A 1.1.1.1'],
      },
      {
        tc: 'Add at label1',
        source: dc('ManyAtOnce', 'Add at label1'),
        crs: [A('www', { ipv4Address: '1.1.1.1' }), A('www-2', { name: 'www', ipv4Address: '2.2.2.2' })],
        body: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2'],
        served: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2'],
      },
      {
        tc: 'Add at label2',
        source: dc('ManyAtOnce', 'Add at label2'),
        crs: [
          A('www', { ipv4Address: '1.1.1.1' }),
          A('www-2', { name: 'www', ipv4Address: '2.2.2.2' }),
          A('www-3', { name: 'www', ipv4Address: '3.3.3.3' }),
        ],
        body: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2', 'www 300 A 3.3.3.3'],
        served: ['www 300 A 1.1.1.1', 'www 300 A 2.2.2.2', 'www 300 A 3.3.3.3'],
      },
    ],
  },
  {
    name: 'manyTypesAtOnce',
    steps: [
      {
        tc: 'CreateManyTypesAtLabel',
        source: dc('manyTypesAtOnce', 'CreateManyTypesAtLabel'),
        crs: [
          A('www', { ipv4Address: '1.1.1.1' }),
          MX('testmx', { priority: 5, mailServer: 'foo.com.' }),
          MX('testmx-2', { name: 'testmx', priority: 100, mailServer: 'bar.com.' }),
        ],
        body: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.', 'testmx 300 MX 100 bar.com.'],
        served: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.', 'testmx 300 MX 100 bar.com.'],
      },
      {
        tc: 'Empty',
        source: dc('manyTypesAtOnce', 'tcEmptyZone()'),
        crs: [],
        body: [],
        served: [],
      },
      {
        tc: 'Create an A record',
        source: dc('manyTypesAtOnce', 'Create an A record'),
        crs: [A('www', { ipv4Address: '1.1.1.1' })],
        body: ['www 300 A 1.1.1.1'],
        served: ['www 300 A 1.1.1.1'],
      },
      {
        tc: 'Add Type At Label',
        source: dc('manyTypesAtOnce', 'Add Type At Label'),
        crs: [A('www', { ipv4Address: '1.1.1.1' }), MX('testmx', { priority: 5, mailServer: 'foo.com.' })],
        body: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.'],
        served: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.'],
      },
      {
        tc: 'Add Type At Label (second MX)',
        source: dc('manyTypesAtOnce', 'Add Type At Label'),
        crs: [
          A('www', { ipv4Address: '1.1.1.1' }),
          MX('testmx', { priority: 5, mailServer: 'foo.com.' }),
          MX('testmx-2', { name: 'testmx', priority: 100, mailServer: 'bar.com.' }),
        ],
        body: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.', 'testmx 300 MX 100 bar.com.'],
        served: ['www 300 A 1.1.1.1', 'testmx 300 MX 5 foo.com.', 'testmx 300 MX 100 bar.com.'],
      },
    ],
  },
  {
    name: 'testByLabel',
    steps: [
      {
        tc: 'initial',
        source: dc('testByLabel', 'initial'),
        crs: [A('foo-1', { name: 'foo', ipv4Address: '1.2.3.4' }), A('foo-2', { name: 'foo', ipv4Address: '2.3.4.5' })],
        body: ['foo 300 A 1.2.3.4', 'foo 300 A 2.3.4.5'],
        served: ['foo 300 A 1.2.3.4', 'foo 300 A 2.3.4.5'],
      },
      {
        tc: 'changeOne',
        source: dc('testByLabel', 'changeOne'),
        crs: [A('foo-1', { name: 'foo', ipv4Address: '1.2.3.4' }), A('foo-2', { name: 'foo', ipv4Address: '3.4.5.6' })],
        body: ['foo 300 A 1.2.3.4', 'foo 300 A 3.4.5.6'],
        served: ['foo 300 A 1.2.3.4', 'foo 300 A 3.4.5.6'],
      },
      {
        tc: 'deleteOne',
        source: dc('testByLabel', 'deleteOne'),
        crs: [A('foo-1', { name: 'foo', ipv4Address: '1.2.3.4' })],
        body: ['foo 300 A 1.2.3.4'],
        served: ['foo 300 A 1.2.3.4'],
      },
      {
        tc: 'addOne',
        source: dc('testByLabel', 'addOne'),
        crs: [A('foo-1', { name: 'foo', ipv4Address: '1.2.3.4' }), A('foo-3', { name: 'foo', ipv4Address: '3.4.5.6' })],
        body: ['foo 300 A 1.2.3.4', 'foo 300 A 3.4.5.6'],
        served: ['foo 300 A 1.2.3.4', 'foo 300 A 3.4.5.6'],
      },
    ],
  },
  {
    name: 'testByRecordSet',
    steps: ((): Step[] => {
      const mx = [
        MX('foo-mx-1', { name: 'foo', priority: 10, mailServer: 'foo.{z}.' }),
        MX('foo-mx-2', { name: 'foo', priority: 20, mailServer: 'bar.{z}.' }),
      ];
      const mxLines = ['foo 300 MX 10 foo.{z}.', 'foo 300 MX 20 bar.{z}.'];
      const state = (tc: string, fooIps: string[]): Step => ({
        tc,
        source: dc('testByRecordSet', tc),
        crs: [
          A('bar', { ipv4Address: '1.2.3.4' }),
          ...fooIps.map((ip, i) => A(`foo-${i + 1}`, { name: 'foo', ipv4Address: ip })),
          ...mx,
        ],
        body: ['bar 300 A 1.2.3.4', ...fooIps.map((ip) => `foo 300 A ${ip}`), ...mxLines],
        served: ['bar 300 A 1.2.3.4', ...fooIps.map((ip) => `foo 300 A ${ip}`), ...mxLines],
      });
      return [
        state('initial', ['2.3.4.5', '3.4.5.6']),
        state('changeOne', ['2.3.4.5', '8.8.8.8']),
        state('deleteOne', ['2.3.4.5']),
        state('addOne', ['2.3.4.5', '8.8.8.8']),
      ];
    })(),
  },
  {
    name: 'Attl',
    steps: [
      {
        tc: 'Create Arc',
        source: dc('Attl', 'Create Arc'),
        crs: [A('testa', { ipv4Address: '1.1.1.1', ttl: 333 })],
        body: ['testa 333 A 1.1.1.1'],
        served: ['testa 333 A 1.1.1.1'],
      },
      {
        tc: 'Change TTL',
        source: dc('Attl', 'Change TTL'),
        crs: [A('testa', { ipv4Address: '1.1.1.1', ttl: 999 })],
        body: ['testa 999 A 1.1.1.1'],
        served: ['testa 999 A 1.1.1.1'],
      },
      {
        tc: 'TTL 0 and the largest TTL',
        source: 'RFC 2181 §8 (a TTL is 0 to 2^31 - 1)',
        crs: [A('testa', { ipv4Address: '1.1.1.1', ttl: 0 }), A('testb', { ipv4Address: '1.1.1.2', ttl: 2147483647 })],
        body: ['testa 0 A 1.1.1.1', 'testb 2147483647 A 1.1.1.2'],
        served: ['testa 0 A 1.1.1.1', 'testb 2147483647 A 1.1.1.2'],
      },
    ],
  },
  {
    name: 'TTL',
    steps: ((): Step[] => {
      const state = (tc: string, apexTtl: number, www: [string, number][]): Step => ({
        tc,
        source: dc('TTL', tc),
        crs: [
          A('apex', { name: '@', ipv4Address: '8.8.8.8', ttl: apexTtl }),
          ...www.map(([ip, ttl], i) =>
            A(`www-${i + 1}`, { name: 'www', ipv4Address: ip, ...(ttl === 300 ? {} : { ttl }) }),
          ),
        ],
        body: [`@ ${apexTtl} A 8.8.8.8`, ...www.map(([ip, ttl]) => `www ${ttl} A ${ip}`)],
        served: [`@ ${apexTtl} A 8.8.8.8`, ...www.map(([ip, ttl]) => `www ${ttl} A ${ip}`)],
      });
      return [
        state('Start', 666, [
          ['1.2.3.4', 300],
          ['5.6.7.8', 300],
        ]),
        state('Change a ttl', 1000, [
          ['1.2.3.4', 300],
          ['5.6.7.8', 300],
        ]),
        state('Change single target from set', 1000, [
          ['2.2.2.2', 300],
          ['5.6.7.8', 300],
        ]),
        state('Change all ttls', 500, [
          ['2.2.2.2', 400],
          ['5.6.7.8', 400],
        ]),
      ];
    })(),
  },
  {
    name: 'add to label and change orig ttl',
    steps: [
      {
        tc: 'Setup',
        source: dc('add to label and change orig ttl', 'Setup'),
        crs: [A('www', { ipv4Address: '5.6.7.8', ttl: 400 })],
        body: ['www 400 A 5.6.7.8'],
        served: ['www 400 A 5.6.7.8'],
      },
      {
        tc: 'Add at same label, new ttl',
        source: dc('add to label and change orig ttl', 'Add at same label, new ttl'),
        crs: [
          A('www', { ipv4Address: '5.6.7.8', ttl: 700 }),
          A('www-2', { name: 'www', ipv4Address: '1.2.3.4', ttl: 700 }),
        ],
        body: ['www 700 A 5.6.7.8', 'www 700 A 1.2.3.4'],
        served: ['www 700 A 1.2.3.4', 'www 700 A 5.6.7.8'],
      },
    ],
  },
  {
    name: 'SRV TTL',
    steps: [
      {
        tc: 'Create SRV333',
        source: dc('SRV', 'Create SRV333'),
        crs: [SRV('sip', { name: '_sip._tcp', priority: 5, weight: 6, port: 7, target: 'foo.com.', ttl: 333 })],
        body: ['_sip._tcp 333 SRV 5 6 7 foo.com.'],
        served: ['_sip._tcp 333 SRV 5 6 7 foo.com.'],
      },
      {
        tc: 'Change TTL999',
        source: dc('SRV', 'Change TTL999'),
        crs: [SRV('sip', { name: '_sip._tcp', priority: 5, weight: 6, port: 7, target: 'foo.com.', ttl: 999 })],
        body: ['_sip._tcp 999 SRV 5 6 7 foo.com.'],
        served: ['_sip._tcp 999 SRV 5 6 7 foo.com.'],
      },
    ],
  },
  {
    name: 'mixed TTLs in one RRset',
    steps: [
      {
        tc: 'two TTLs asked for one RRset: served with the lowest, with a warning',
        source: 'RFC 2181 §5.2 (the RRs of an RRset have one TTL)',
        crs: [
          A('web', { ipv4Address: '192.0.2.1', ttl: 120 }),
          A('web-b', { name: 'web', ipv4Address: '192.0.2.2', ttl: 3600 }),
        ],
        body: ['web 120 A 192.0.2.1', 'web 3600 A 192.0.2.2'],
        served: ['web 120 A 192.0.2.1', 'web 120 A 192.0.2.2'],
        // every record of the RRset hears it, the one that asked for the lowest TTL too
        status: {
          web: { warning: 'spec.ttl: web.{z}. A has records with TTLs 120, 3600: all are served with 120' },
          'web-b': { warning: 'spec.ttl: web.{z}. A has records with TTLs 120, 3600: all are served with 120' },
        },
      },
      {
        tc: 'the TTLs agree again: no warning',
        source: 'RFC 2181 §5.2',
        crs: [
          A('web', { ipv4Address: '192.0.2.1', ttl: 120 }),
          A('web-b', { name: 'web', ipv4Address: '192.0.2.2', ttl: 120 }),
        ],
        body: ['web 120 A 192.0.2.1', 'web 120 A 192.0.2.2'],
        served: ['web 120 A 192.0.2.1', 'web 120 A 192.0.2.2'],
      },
    ],
  },
  {
    name: 'duplicates',
    steps: [
      {
        tc: 'the same A record from two CRs: served once, with a warning',
        source: 'RFC 2181 §5 (duplicate RRs in an RRset are suppressed)',
        crs: [A('host', { ipv4Address: '192.0.2.7' }), A('host-again', { name: 'host', ipv4Address: '192.0.2.7' })],
        body: ['host 300 A 192.0.2.7', 'host 300 A 192.0.2.7'],
        served: ['host 300 A 192.0.2.7'],
        status: { 'host-again': { warning: 'spec.ipv4Address: the same data as the older ARecord host' } },
      },
      {
        tc: 'two spellings of one AAAA: served once',
        source: 'RFC 2181 §5; RFC 5952 §4 (one address, two texts)',
        crs: [
          AAAA('v6', { ipv6Address: '2001:db8::1' }),
          AAAA('v6-long', { name: 'v6', ipv6Address: '2001:0db8:0:0:0:0:0:0001' }),
        ],
        body: ['v6 300 AAAA 2001:db8::1', 'v6 300 AAAA 2001:0db8:0:0:0:0:0:0001'],
        served: ['v6 300 AAAA 2001:db8::1'],
        status: { 'v6-long': { warning: 'spec.ipv6Address: the same data as the older AAAARecord v6' } },
      },
      {
        tc: 'one CR listing a value twice: served once, with a warning',
        source: 'RFC 2181 §5 (an RRset is a set); RFC 5952 §4 (one text form per IPv6 address)',
        crs: [
          TXT('spf', { name: '@', text: ['v=spf1 -all', 'v=spf1 -all'] }),
          AAAA('v6', { ipv6Addresses: ['2001:db8::1', '2001:DB8:0::1'] }),
        ],
        body: [
          '@ 300 TXT "v=spf1 -all"',
          '@ 300 TXT "v=spf1 -all"',
          'v6 300 AAAA 2001:db8::1',
          'v6 300 AAAA 2001:DB8:0::1',
        ],
        served: ['@ 300 TXT "v=spf1 -all"', 'v6 300 AAAA 2001:db8::1'],
        status: {
          spf: { warning: 'spec.text: lists the same data more than once: it is served once' },
          v6: { warning: 'spec.ipv6Addresses: lists the same data more than once' },
        },
      },
    ],
  },
  {
    name: 'TypeChange',
    steps: [
      {
        tc: 'Create A',
        source: dc('TypeChange', 'Create A'),
        crs: [A('foo', { ipv4Address: '1.2.3.4' })],
        body: ['foo 300 A 1.2.3.4'],
        served: ['foo 300 A 1.2.3.4'],
      },
      {
        tc: 'Change to MX',
        source: dc('TypeChange', 'Change to MX'),
        crs: [MX('foo', { priority: 5, mailServer: 'mx.google.com.' })],
        body: ['foo 300 MX 5 mx.google.com.'],
        served: ['foo 300 MX 5 mx.google.com.'],
      },
      {
        tc: 'Change back to A',
        source: dc('TypeChange', 'Change back to A'),
        crs: [A('foo', { ipv4Address: '4.5.6.7' })],
        body: ['foo 300 A 4.5.6.7'],
        served: ['foo 300 A 4.5.6.7'],
      },
    ],
  },
  {
    name: 'TypeChangeHard',
    steps: [
      {
        tc: 'Create a CNAME',
        source: dc('TypeChangeHard', 'Create a CNAME'),
        crs: [CNAME('foo', { target: 'google.com.' })],
        body: ['foo 300 CNAME google.com.'],
        served: ['foo 300 CNAME google.com.'],
      },
      {
        tc: 'Change to A record',
        source: dc('TypeChangeHard', 'Change to A record') + '; RFC 1034 §3.6.2',
        crs: [A('foo', { ipv4Address: '1.2.3.4' })],
        body: ['foo 300 A 1.2.3.4'],
        served: ['foo 300 A 1.2.3.4'],
      },
      {
        tc: 'Change back to CNAME',
        source: dc('TypeChangeHard', 'Change back to CNAME'),
        crs: [CNAME('foo', { target: 'google2.com.' })],
        body: ['foo 300 CNAME google2.com.'],
        served: ['foo 300 CNAME google2.com.'],
      },
    ],
  },
  {
    name: 'Case Sensitivity',
    // DNSControl adds a changing decoy record to every tc so that each has a change; without it a case-only change
    // must change nothing at all (RFC 4343 §2: names compare case-insensitively), serial included.
    steps: [
      {
        tc: 'Create CAPS',
        source: dc('Case Sensitivity', 'Create CAPS') + '; RFC 4343 §2',
        crs: [MX('bar', { name: 'BAR', priority: 5, mailServer: 'BAR.com.' })],
        body: ['BAR 300 MX 5 BAR.com.'],
        served: ['bar 300 MX 5 bar.com.'],
      },
      {
        tc: 'Downcase label',
        source: dc('Case Sensitivity', 'Downcase label') + ' (without the decoy)',
        crs: [MX('bar', { name: 'bar', priority: 5, mailServer: 'BAR.com.' })],
        body: ['bar 300 MX 5 BAR.com.'],
        served: ['bar 300 MX 5 bar.com.'],
      },
      {
        tc: 'Downcase target',
        source: dc('Case Sensitivity', 'Downcase target') + ' (without the decoy)',
        crs: [MX('bar', { name: 'bar', priority: 5, mailServer: 'bar.com.' })],
        body: ['bar 300 MX 5 bar.com.'],
        served: ['bar 300 MX 5 bar.com.'],
      },
      {
        tc: 'Upcase both',
        source: dc('Case Sensitivity', 'Upcase both') + ' (without the decoy)',
        crs: [MX('bar', { name: 'BAR', priority: 5, mailServer: 'BAR.COM.' })],
        body: ['BAR 300 MX 5 BAR.COM.'],
        served: ['bar 300 MX 5 bar.com.'],
      },
    ],
  },

  // ---------------------------------------------------------------- null MX (RFC 7505)
  {
    name: 'NullMX',
    steps: [
      {
        tc: 'create',
        source: dc('NullMX', 'create') + '; RFC 7505 §3',
        crs: [
          A('nmx', { ipv4Address: '1.2.3.3' }),
          A('www', { ipv4Address: '1.2.3.9' }),
          MX('nmx-mx', { name: 'nmx', priority: 0, mailServer: '.' }),
        ],
        body: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .'],
        served: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .'],
      },
      {
        tc: 'unnull',
        source: dc('NullMX', 'unnull'),
        crs: [
          A('nmx', { ipv4Address: '1.2.3.3' }),
          A('www', { ipv4Address: '1.2.3.9' }),
          MX('nmx-mx', { name: 'nmx', priority: 3, mailServer: 'nmx.{z}.' }),
          MX('nmx-mx-2', { name: 'nmx', priority: 9, mailServer: 'www.{z}.' }),
        ],
        body: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 3 nmx.{z}.', 'nmx 300 MX 9 www.{z}.'],
        served: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 3 nmx.{z}.', 'nmx 300 MX 9 www.{z}.'],
      },
      {
        tc: 'renull',
        source: dc('NullMX', 'renull'),
        crs: [
          A('nmx', { ipv4Address: '1.2.3.3' }),
          A('www', { ipv4Address: '1.2.3.9' }),
          MX('nmx-mx', { name: 'nmx', priority: 0, mailServer: '.' }),
        ],
        body: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .'],
        served: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .'],
      },
      {
        tc: 'a second MX beside the null MX is left out',
        source: 'RFC 7505 §3 (a null MX is the only MX of its name)',
        crs: [
          A('nmx', { ipv4Address: '1.2.3.3' }),
          A('www', { ipv4Address: '1.2.3.9' }),
          MX('nmx-mx', { name: 'nmx', priority: 0, mailServer: '.' }),
          MX('nmx-mx-2', { name: 'nmx', priority: 9, mailServer: 'www.{z}.' }),
        ],
        body: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .', 'nmx 300 MX 9 www.{z}.'],
        served: ['nmx 300 A 1.2.3.3', 'www 300 A 1.2.3.9', 'nmx 300 MX 0 .'],
        status: { 'nmx-mx-2': { reason: 'InvalidRecord', message: 'spec.mailServer: nmx.{z}. has a null MX' } },
        refused: [['records/3', 'has a null MX (RFC 7505']],
      },
    ],
  },
  {
    name: 'NullMXApex',
    steps: [
      {
        tc: 'create',
        source: dc('NullMXApex', 'create') + '; RFC 7505 §3',
        crs: [
          A('apex', { name: '@', ipv4Address: '1.2.3.2' }),
          A('www', { ipv4Address: '1.2.3.8' }),
          MX('no-mail', { name: '@', priority: 0, mailServer: '.' }),
        ],
        body: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 0 .'],
        served: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 0 .'],
      },
      {
        tc: 'unnull',
        source: dc('NullMXApex', 'unnull'),
        crs: [
          A('apex', { name: '@', ipv4Address: '1.2.3.2' }),
          A('www', { ipv4Address: '1.2.3.8' }),
          MX('mx-2', { name: '@', priority: 2, mailServer: '{z}' }),
          MX('mx-8', { name: '@', priority: 8, mailServer: 'www.{z}' }),
        ],
        body: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 2 {z}.', '@ 300 MX 8 www.{z}.'],
        served: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 2 {z}.', '@ 300 MX 8 www.{z}.'],
      },
      {
        tc: 'renull',
        source: dc('NullMXApex', 'renull'),
        crs: [
          A('apex', { name: '@', ipv4Address: '1.2.3.2' }),
          A('www', { ipv4Address: '1.2.3.8' }),
          MX('no-mail', { name: '@', priority: 0, mailServer: '.' }),
        ],
        body: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 0 .'],
        served: ['@ 300 A 1.2.3.2', 'www 300 A 1.2.3.8', '@ 300 MX 0 .'],
      },
    ],
  },

  // ---------------------------------------------------------------- TXT content
  {
    name: 'complex TXT',
    steps: [
      {
        tc: 'a 0-byte TXT',
        source: dc('complex TXT', 'a 0-byte TXT') + '; RFC 1035 §3.3 (a character-string may be empty)',
        crs: [TXT('foo0', { text: [''] })],
        body: ['foo0 300 TXT ""'],
        served: ['foo0 300 TXT ""'],
      },
      {
        tc: 'a 254-, 255- and 256-byte TXT',
        source: `${dc('complex TXT', 'a 254-byte TXT')}, "a 255-byte TXT", "a 256-byte TXT"; RFC 1035 §3.3 (255 octets per string)`,
        crs: [
          TXT('foo254', { text: ['A'.repeat(254)] }),
          TXT('foo255', { text: ['B'.repeat(255)] }),
          TXT('foo256', { text: ['C'.repeat(256)] }),
        ],
        body: [
          `foo254 300 TXT ${chunks('A'.repeat(254))}`,
          `foo255 300 TXT ${chunks('B'.repeat(255))}`,
          `foo256 300 TXT ${chunks('C'.repeat(256))}`,
        ],
        served: [
          `foo254 300 TXT ${chunks('A'.repeat(254))}`,
          `foo255 300 TXT ${chunks('B'.repeat(255))}`,
          `foo256 300 TXT ${chunks('C'.repeat(256))}`,
        ],
      },
      {
        tc: 'a 509-, 510- and 511-byte TXT',
        source: `${dc('complex TXT', 'a 509-byte TXT')}, "a 510-byte TXT", "a 511-byte TXT"`,
        crs: [
          TXT('foo509', { text: ['D'.repeat(509)] }),
          TXT('foo510', { text: ['E'.repeat(510)] }),
          TXT('foo511', { text: ['F'.repeat(511)] }),
        ],
        body: [
          `foo509 300 TXT ${chunks('D'.repeat(509))}`,
          `foo510 300 TXT ${chunks('E'.repeat(510))}`,
          `foo511 300 TXT ${chunks('F'.repeat(511))}`,
        ],
        served: [
          `foo509 300 TXT ${chunks('D'.repeat(509))}`,
          `foo510 300 TXT ${chunks('E'.repeat(510))}`,
          `foo511 300 TXT ${chunks('F'.repeat(511))}`,
        ],
      },
      {
        tc: 'a 764-, 765- and 766-byte TXT',
        source: `${dc('complex TXT', 'a 764-byte TXT')}, "a 765-byte TXT", "a 766-byte TXT"`,
        crs: [
          TXT('foo764', { text: ['G'.repeat(764)] }),
          TXT('foo765', { text: ['H'.repeat(765)] }),
          TXT('foo766', { text: ['J'.repeat(766)] }),
        ],
        body: [
          `foo764 300 TXT ${chunks('G'.repeat(764))}`,
          `foo765 300 TXT ${chunks('H'.repeat(765))}`,
          `foo766 300 TXT ${chunks('J'.repeat(766))}`,
        ],
        served: [
          `foo764 300 TXT ${chunks('G'.repeat(764))}`,
          `foo765 300 TXT ${chunks('H'.repeat(765))}`,
          `foo766 300 TXT ${chunks('J'.repeat(766))}`,
        ],
      },
      {
        tc: 'a 256-octet character-string in presentation form is refused (PUT only)',
        source: 'RFC 1035 §3.3 (a character-string is at most 255 octets)',
        // a CR value is split by bindy itself (above); a PUT body states its strings, and one may not exceed 255
        body: [`foo256 300 TXT "${'C'.repeat(256)}"`],
        served: [],
        refused: [['records/0/data', 'character-string is 256 octets; the limit is 255']],
      },
      txtStep('complex TXT', 'TXT with 1 single-quote', 'foosq', "quo'te"),
      txtStep('complex TXT', 'TXT with 1 backtick', 'foobt', 'blah`blah'),
      {
        tc: 'TXT with 1 dq-1interior',
        source: dc('complex TXT', 'TXT with 1 dq-1interior'),
        crs: [TXT('foodq', { text: [String.raw`in\"side`] })],
        body: [String.raw`foodq 300 TXT "in\"side"`],
        served: [String.raw`foodq 300 TXT "in\"side"`],
      },
      {
        tc: 'TXT with 2 dq-2interior',
        source: dc('complex TXT', 'TXT with 2 dq-2interior'),
        crs: [TXT('foodqs', { text: ['in"ter"ior'] })],
        body: [String.raw`foodqs 300 TXT "in\"ter\"ior"`],
        served: [String.raw`foodqs 300 TXT "in\"ter\"ior"`],
      },
      {
        tc: 'TXT with 1 dq-left and 1 dq-right',
        source: `${dc('complex TXT', 'TXT with 1 dq-left')}, "TXT with 1 dq-right"`,
        crs: [TXT('foodql', { text: [String.raw`\"left`] }), TXT('foodqr', { text: [String.raw`right\"`] })],
        body: [String.raw`foodql 300 TXT "\"left"`, String.raw`foodqr 300 TXT "right\""`],
        served: [String.raw`foodql 300 TXT "\"left"`, String.raw`foodqr 300 TXT "right\""`],
      },
      {
        tc: 'an unescaped lone double quote in a TXT CR is refused',
        source: `${dc('complex TXT', 'TXT with 1 dq-1interior')} (raw); crds/txtrecords.yaml (quotes balanced or escaped)`,
        crs: [TXT('foodq-raw', { text: ['in"side'] })],
        body: [],
        served: [],
        status: { 'foodq-raw': { admission: ['spec.text[0]', 'double quotes must be balanced'] } },
      },
      {
        tc: 'TXT with semicolon, with and without spaces',
        source: `${dc('complex TXT', 'TXT with semicolon')}, "TXT with semicolon ws"; RFC 1035 §5.1 (quoted: no comment)`,
        crs: [TXT('foosc1', { text: ['semi;colon'] }), TXT('foosc2', { text: ['wssemi ; colon'] })],
        body: ['foosc1 300 TXT "semi;colon"', 'foosc2 300 TXT "wssemi ; colon"'],
        served: ['foosc1 300 TXT "semi;colon"', 'foosc2 300 TXT "wssemi ; colon"'],
      },
      {
        tc: 'TXT interior and trailing whitespace',
        source: `${dc('complex TXT', 'TXT interior ws')}, "TXT trailing ws"`,
        crs: [TXT('foosp', { text: ['with spaces'] }), TXT('foows1', { text: ['trailingws '] })],
        body: ['foosp 300 TXT "with spaces"', 'foows1 300 TXT "trailingws "'],
        served: ['foosp 300 TXT "with spaces"', 'foows1 300 TXT "trailingws "'],
      },
      txtStep('complex TXT', 'Create a TXT/SPF', 'foo', 'v=spf1 ip4:99.99.99.99 -all'),
    ],
  },
  {
    name: 'TXT backslashes and octets',
    steps: [
      {
        tc: 'TXT with backslashs',
        source: dc('TXT backslashes', 'TXT with backslashs') + '; RFC 1035 §5.1 (\\\\ is one backslash)',
        // DNSControl's values are raw octets with 1-4 backslashes; a CR writes each backslash as \\
        crs: [
          TXT('fooosbs1', { text: [String.raw`1back\\slash`] }),
          TXT('fooosbs2', { text: [String.raw`2back\\\\slash`] }),
          TXT('fooosbs3', { text: [String.raw`3back\\\\\\slash`] }),
          TXT('fooosbs4', { text: [String.raw`4back\\\\\\\\slash`] }),
        ],
        body: [
          String.raw`fooosbs1 300 TXT "1back\\slash"`,
          String.raw`fooosbs2 300 TXT "2back\\\\slash"`,
          String.raw`fooosbs3 300 TXT "3back\\\\\\slash"`,
          String.raw`fooosbs4 300 TXT "4back\\\\\\\\slash"`,
        ],
        served: [
          String.raw`fooosbs1 300 TXT "1back\\slash"`,
          String.raw`fooosbs2 300 TXT "2back\\\\slash"`,
          String.raw`fooosbs3 300 TXT "3back\\\\\\slash"`,
          String.raw`fooosbs4 300 TXT "4back\\\\\\\\slash"`,
        ],
      },
      {
        tc: 'a backslash before an ordinary character escapes it',
        source: 'RFC 1035 §5.1 (\\X is X); hooks/zone/records.ts txtOctets',
        crs: [TXT('fooosbs1', { text: [String.raw`1back\slash`] })],
        body: [String.raw`fooosbs1 300 TXT "1back\slash"`],
        served: ['fooosbs1 300 TXT "1backslash"'],
      },
      {
        tc: 'non-ASCII text and a \\DDD escape',
        source: 'RFC 1035 §5.1 (\\DDD is one octet); TXT data is octets (UTF-8 here)',
        crs: [TXT('utf8', { text: ['grüß'] }), TXT('octet', { text: [String.raw`tab\009here`] })],
        body: [String.raw`utf8 300 TXT "gr\195\188\195\159"`, String.raw`octet 300 TXT "tab\009here"`],
        served: [String.raw`utf8 300 TXT "gr\195\188\195\159"`, String.raw`octet 300 TXT "tab\009here"`],
      },
      {
        tc: 'one TXT record of several character-strings (PUT only)',
        source: 'RFC 1035 §3.3.14 (TXT-DATA is one or more character-strings); RFC 6376 §3.6.2.2 (DKIM keys split)',
        // a TXTRecord value is split only at 255 octets; a body states its strings
        body: ['dkim._domainkey 300 TXT "v=DKIM1; k=rsa; " "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"'],
        served: ['dkim._domainkey 300 TXT "v=DKIM1; k=rsa; " "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"'],
      },
    ],
  },

  // ---------------------------------------------------------------- internationalised names (served as A-labels)
  {
    name: 'IDNA',
    // the PUT body is ASCII (dns/contract.ts): the A-labels the hook sends
    steps: [
      {
        tc: 'Internationalized name',
        source: dc('IDNA', 'Internationalized name') + '; RFC 5891 §4 (A-labels)',
        crs: [A('idn', { name: 'ööö', ipv4Address: '1.2.3.4' })],
        body: ['xn--ndaaa 300 A 1.2.3.4'],
        served: ['xn--ndaaa 300 A 1.2.3.4'],
      },
      {
        tc: 'Change IDN',
        source: dc('IDNA', 'Change IDN'),
        crs: [A('idn', { name: 'ööö', ipv4Address: '2.2.2.2' })],
        body: ['xn--ndaaa 300 A 2.2.2.2'],
        served: ['xn--ndaaa 300 A 2.2.2.2'],
      },
      {
        tc: 'Chinese label',
        source: dc('IDNA', 'Chinese label'),
        crs: [A('chinese', { name: '中文', ipv4Address: '1.2.3.4' })],
        body: ['xn--fiq228c 300 A 1.2.3.4'],
        served: ['xn--fiq228c 300 A 1.2.3.4'],
      },
      {
        tc: 'Internationalized CNAME Target',
        source: dc('IDNA', 'Internationalized CNAME Target'),
        crs: [CNAME('a', { target: 'ööö.com.' })],
        body: ['a 300 CNAME xn--ndaaa.com.'],
        served: ['a 300 CNAME xn--ndaaa.com.'],
      },
      {
        tc: 'IDN CNAME AND Target',
        source: dc('IDNAs in CNAME targets', 'IDN CNAME AND Target'),
        crs: [CNAME('both', { name: 'öoö', target: 'ööö.企业.' })],
        body: ['xn--o-0gab 300 CNAME xn--ndaaa.xn--vhquv.'],
        served: ['xn--o-0gab 300 CNAME xn--ndaaa.xn--vhquv.'],
      },
      {
        tc: 'internationalised MX, NS and SRV targets',
        source: 'RFC 5891 §4 (IDN labels registered as A-labels)',
        crs: [
          MX('mx', { name: '@', priority: 10, mailServer: 'mäil.example.de' }),
          NS('sub', { nameserver: 'nämeserver.example.de.' }),
          SRV('sip', { name: '_sip._udp', priority: 1, weight: 1, port: 5060, target: 'sïp.example.de' }),
        ],
        body: [
          '@ 300 MX 10 xn--mil-qla.example.de.',
          'sub 300 NS xn--nmeserver-v2a.example.de.',
          '_sip._udp 300 SRV 1 1 5060 xn--sp-tja.example.de.',
        ],
        served: [
          '@ 300 MX 10 xn--mil-qla.example.de.',
          'sub 300 NS xn--nmeserver-v2a.example.de.',
          '_sip._udp 300 SRV 1 1 5060 xn--sp-tja.example.de.',
        ],
      },
      {
        tc: 'a U-label in a PUT body is refused (PUT only)',
        source: 'RFC 5890 §2.3.2.1 (U-labels are not sent on the wire); dns/contract.ts (names are ASCII)',
        body: ['ööö 300 A 1.2.3.4'],
        served: [],
        refused: [['records/0/name', 'label "ööö"']],
      },
    ],
  },

  // ---------------------------------------------------------------- delegations, glue and occluded names
  {
    name: 'delegations and glue',
    steps: [
      {
        tc: 'a delegation with in-bailiwick glue',
        source: 'RFC 1034 §4.2.1 (glue below the cut); RFC 9471 §2.1',
        crs: [NS('sub', { nameserver: 'ns1.sub.{z}' }), A('ns1-sub', { name: 'ns1.sub', ipv4Address: '192.0.2.53' })],
        body: ['sub 300 NS ns1.sub.{z}.', 'ns1.sub 300 A 192.0.2.53'],
        served: ['sub 300 NS ns1.sub.{z}.', 'ns1.sub 300 A 192.0.2.53'],
        answers: [['host.sub.{z}', 'A', undefined]],
      },
      {
        tc: 'two name servers, one glued in the zone, one out of it',
        source: 'RFC 1034 §4.2.1; RFC 9471 §2.1',
        crs: [
          NS('sub', { nameserver: 'ns1.sub.{z}' }),
          NS('sub-2', { name: 'sub', nameserver: 'ns.example.net' }),
          A('ns1-sub', { name: 'ns1.sub', ipv4Address: '192.0.2.53' }),
        ],
        body: ['sub 300 NS ns1.sub.{z}.', 'sub 300 NS ns.example.net.', 'ns1.sub 300 A 192.0.2.53'],
        served: ['sub 300 NS ns1.sub.{z}.', 'sub 300 NS ns.example.net.', 'ns1.sub 300 A 192.0.2.53'],
      },
      {
        tc: 'an in-bailiwick name server without glue is left out',
        source: 'RFC 1034 §4.2.1 (a cut to a name server inside it needs its address); named check-integrity',
        crs: [NS('sub', { nameserver: 'ns.example.net' }), NS('sub-2', { name: 'sub', nameserver: 'ns2.sub.{z}' })],
        body: ['sub 300 NS ns.example.net.', 'sub 300 NS ns2.sub.{z}.'],
        served: ['sub 300 NS ns.example.net.'],
        status: {
          'sub-2': {
            reason: 'InvalidRecord',
            message: 'spec.nameserver: name server ns2.sub.{z}. is inside the zone but has no A/AAAA (glue) record',
          },
        },
        refused: [['records/1', 'has no A/AAAA (glue) record']],
      },
      {
        tc: 'data below the delegation: served, never answered, with a warning',
        source: 'RFC 1034 §4.3.2 (step 3b: a referral at the cut); RFC 2181 §6.1 (occluded data)',
        crs: [NS('sub', { nameserver: 'ns.example.net' }), TXT('below', { name: 'info.sub', text: ['hidden'] })],
        body: ['sub 300 NS ns.example.net.', 'info.sub 300 TXT "hidden"'],
        served: ['sub 300 NS ns.example.net.', 'info.sub 300 TXT "hidden"'],
        status: { below: { warning: 'spec.name: info.sub.{z}. is below the delegation sub.{z}.' } },
        answers: [['info.sub.{z}', 'TXT', undefined]],
      },
    ],
  },

  // ---------------------------------------------------------------- CNAME rules
  {
    name: 'CNAME rules',
    steps: [
      {
        tc: 'a CNAME chain is served',
        source: 'RFC 1034 §3.6.2 (a CNAME may name another alias; resolvers follow the chain)',
        crs: [CNAME('first', { target: 'second.{z}' }), CNAME('second', { target: 'www.example.net' })],
        body: ['first 300 CNAME second.{z}.', 'second 300 CNAME www.example.net.'],
        served: ['first 300 CNAME second.{z}.', 'second 300 CNAME www.example.net.'],
      },
      {
        tc: 'a CNAME at the apex, named absolutely (and as @, refused by the CRD)',
        source: 'RFC 1034 §3.6.2, RFC 2181 §10.1 (a CNAME is alone at its name; the apex holds SOA and NS)',
        crs: [
          CNAME('apex-abs', { name: '{z}.', target: 'elsewhere.example.net' }),
          CNAME('apex-at', { name: '@', target: 'elsewhere.example.net' }),
        ],
        body: ['@ 300 CNAME elsewhere.example.net.'],
        served: [],
        status: {
          'apex-abs': { reason: 'Conflict', message: 'a CNAME is not allowed at the zone apex' },
          'apex-at': { admission: ['spec.name', 'a CNAME cannot be at the zone apex'] },
        },
        refused: [['records/0', 'a CNAME is not allowed at the zone apex']],
      },
      {
        tc: 'a CNAME added beside older A data is left out',
        source: 'RFC 1034 §3.6.2 ("no other data should be present"); RFC 2181 §10.1',
        crs: [A('app', { ipv4Address: '192.0.2.1' }), CNAME('app-alias', { name: 'app', target: 'lb.example.net' })],
        body: ['app 300 A 192.0.2.1', 'app 300 CNAME lb.example.net.'],
        served: ['app 300 A 192.0.2.1'],
        status: { 'app-alias': { reason: 'Conflict', message: 'already has A data (from the older ARecord app)' } },
        refused: [['records/1', 'app.{z}. already has A data']],
      },
      {
        tc: 'MX data added beside an older CNAME is left out',
        source: 'RFC 1034 §3.6.2; RFC 2181 §10.1',
        crs: [
          CNAME('www', { target: 'lb.example.net' }),
          MX('www-mx', { name: 'www', priority: 10, mailServer: 'mail.example.net' }),
        ],
        body: ['www 300 CNAME lb.example.net.', 'www 300 MX 10 mail.example.net.'],
        served: ['www 300 CNAME lb.example.net.'],
        status: { 'www-mx': { reason: 'Conflict', message: 'www.{z}. is a CNAME (from the older CNAMERecord www)' } },
        refused: [['records/1', 'www.{z}. is a CNAME']],
      },
      {
        tc: 'a second CNAME at one name is left out',
        source: 'RFC 2181 §10.1 (one CNAME per name)',
        crs: [CNAME('www', { target: 'lb.example.net' }), CNAME('www-2', { name: 'www', target: 'lb2.example.net' })],
        body: ['www 300 CNAME lb.example.net.', 'www 300 CNAME lb2.example.net.'],
        served: ['www 300 CNAME lb.example.net.'],
        status: { 'www-2': { reason: 'Conflict', message: 'only one CNAME is allowed per name' } },
        refused: [['records/1', 'only one CNAME is allowed per name']],
      },
      {
        tc: 'a CNAME to itself is left out',
        source: 'RFC 1034 §3.6.2 (alias loops); RFC 1912 §2.4',
        crs: [CNAME('loop', { target: 'loop.{z}.' })],
        body: ['loop 300 CNAME loop.{z}.'],
        served: [],
        status: { loop: { reason: 'InvalidRecord', message: 'CNAME loop loop.{z}. → loop.{z}.' } },
        refused: [['records/0', 'CNAME loop']],
      },
      {
        tc: 'a loop of three CNAMEs: the newest is left out',
        source: 'RFC 1034 §3.6.2 (alias loops); RFC 1912 §2.4',
        crs: [
          CNAME('ring-a', { target: 'ring-b.{z}' }),
          CNAME('ring-b', { target: 'ring-c.{z}' }),
          CNAME('ring-c', { target: 'ring-a.{z}' }),
        ],
        body: ['ring-a 300 CNAME ring-b.{z}.', 'ring-b 300 CNAME ring-c.{z}.', 'ring-c 300 CNAME ring-a.{z}.'],
        served: ['ring-a 300 CNAME ring-b.{z}.', 'ring-b 300 CNAME ring-c.{z}.'],
        status: { 'ring-c': { reason: 'InvalidRecord', message: 'CNAME loop' } },
        refused: [['records/2', 'CNAME loop']],
      },
      {
        tc: 'an MX exchange that is a CNAME of the zone is left out',
        source: 'RFC 2181 §10.3 (MX and NS targets are not aliases); RFC 5321 §5.1',
        crs: [
          CNAME('mailhost', { target: 'mx.example.net' }),
          MX('mx', { name: '@', priority: 10, mailServer: 'mailhost.{z}' }),
        ],
        body: ['mailhost 300 CNAME mx.example.net.', '@ 300 MX 10 mailhost.{z}.'],
        served: ['mailhost 300 CNAME mx.example.net.'],
        status: { mx: { reason: 'InvalidRecord', message: 'spec.mailServer: MX target mailhost.{z}. is a CNAME' } },
        refused: [['records/1', 'is a CNAME in this zone (RFC 2181 §10.3)']],
      },
    ],
  },

  // ---------------------------------------------------------------- SRV rules (RFC 2782)
  {
    name: 'SRV rules',
    steps: [
      {
        tc: 'port 0 with target "." (no such service)',
        source: 'RFC 2782 (Target "." means decidedly not available); RFC 6186 §4',
        crs: [SRV('imap', { name: '_imap._tcp', priority: 0, weight: 0, port: 0, target: '.' })],
        body: ['_imap._tcp 300 SRV 0 0 0 .'],
        served: ['_imap._tcp 300 SRV 0 0 0 .'],
      },
      {
        tc: 'port 0 with a real target is left out',
        source: 'RFC 2782 (Port: the port of the service; 0 is no service)',
        crs: [SRV('imap', { name: '_imap._tcp', priority: 0, weight: 0, port: 0, target: 'imap.example.net' })],
        body: ['_imap._tcp 300 SRV 0 0 0 imap.example.net.'],
        served: [],
        status: {
          imap: { reason: 'InvalidRecord', message: 'spec.target: SRV port 0 is only meaningful with target "."' },
        },
        refused: [['records/0/data', 'SRV port 0 is only meaningful with target "."']],
      },
      {
        tc: 'an owner not shaped _service._proto is refused',
        source: 'RFC 2782 (the owner is _Service._Proto.Name)',
        crs: [SRV('imap', { name: 'imap', priority: 0, weight: 0, port: 143, target: 'imap.example.net' })],
        body: ['imap 300 SRV 0 0 143 imap.example.net.'],
        served: [],
        status: { imap: { admission: ['spec.name', 'must be shaped _service._proto'] } },
        refused: [['records/0/name', 'an SRV owner starts with _service._proto (RFC 2782)']],
      },
      {
        tc: 'an in-zone target with its address',
        source: 'RFC 2782 (Target: the domain name of the target host, with an address record)',
        crs: [
          SRV('sip', { name: '_sip._tcp', priority: 10, weight: 5, port: 5060, target: 'sip.{z}' }),
          A('sip-host', { name: 'sip', ipv4Address: '192.0.2.60' }),
        ],
        body: ['_sip._tcp 300 SRV 10 5 5060 sip.{z}.', 'sip 300 A 192.0.2.60'],
        served: ['_sip._tcp 300 SRV 10 5 5060 sip.{z}.', 'sip 300 A 192.0.2.60'],
      },
      {
        tc: 'a target that is a CNAME of the zone is left out',
        source: 'RFC 2782 (Target "must not be an alias"); RFC 2181 §10.3',
        crs: [
          CNAME('sip', { target: 'sip.example.net' }),
          SRV('sip-srv', { name: '_sip._tcp', priority: 10, weight: 5, port: 5060, target: 'sip.{z}' }),
        ],
        body: ['sip 300 CNAME sip.example.net.', '_sip._tcp 300 SRV 10 5 5060 sip.{z}.'],
        served: ['sip 300 CNAME sip.example.net.'],
        status: { 'sip-srv': { reason: 'InvalidRecord', message: 'spec.target: SRV target sip.{z}. is a CNAME' } },
        refused: [['records/1', 'is a CNAME in this zone']],
      },
    ],
  },

  // ---------------------------------------------------------------- CAA flags and tags (RFC 8659)
  {
    name: 'CAA flags and tags',
    steps: [
      {
        tc: 'issue, issuewild and iodef at the apex',
        source: 'RFC 8659 §4.2, §4.3, §4.4',
        crs: [
          CAA('issue', { name: '@', tag: 'issue', value: 'ca.example.net' }),
          CAA('issuewild', { name: '@', tag: 'issuewild', value: ';' }),
          CAA('iodef', { name: '@', tag: 'iodef', value: 'mailto:security@{z}' }),
        ],
        body: [
          '@ 300 CAA 0 issue "ca.example.net"',
          '@ 300 CAA 0 issuewild ";"',
          '@ 300 CAA 0 iodef "mailto:security@{z}"',
        ],
        served: [
          '@ 300 CAA 0 iodef "mailto:security@{z}"',
          '@ 300 CAA 0 issue "ca.example.net"',
          '@ 300 CAA 0 issuewild ";"',
        ],
      },
      {
        tc: 'the issuer critical flag on a name below the apex',
        source: 'RFC 8659 §4.1 (flag 128); §3 (the closest CAA RRset applies)',
        crs: [CAA('crit', { name: 'shop', flags: 128, tag: 'issue', value: 'ca.example.net' })],
        body: ['shop 300 CAA 128 issue "ca.example.net"'],
        served: ['shop 300 CAA 128 issue "ca.example.net"'],
      },
      {
        tc: 'an iodef that is not a URL is refused',
        source: 'RFC 8659 §4.4 (iodef is a mailto:, http: or https: URL)',
        crs: [CAA('iodef', { name: '@', tag: 'iodef', value: 'security' })],
        body: ['@ 300 CAA 0 iodef "security"'],
        served: [],
        status: { iodef: { admission: ['spec.value', 'must be a mailto: or http(s):// URL'] } },
        refused: [['records/0/data', 'iodef']],
      },
      {
        tc: 'a reserved flag bit is refused',
        source: 'RFC 8659 §4.1 (records MUST clear the reserved flag bits)',
        crs: [CAA('reserved', { name: '@', flags: 1, tag: 'issue', value: 'ca.example.net' })],
        body: ['@ 300 CAA 1 issue "ca.example.net"'],
        served: [],
        status: { reserved: { admission: ['spec.flags', 'must be 0 or 128'] } },
        refused: [['records/0/data', 'reserved']],
      },
    ],
  },

  // ---------------------------------------------------------------- owner names
  {
    name: 'owner names',
    steps: [
      {
        tc: 'an absolute owner inside the zone',
        source: 'RFC 1035 §5.1 (an absolute name ends with a dot)',
        crs: [A('abs', { name: 'abs.{z}.', ipv4Address: '192.0.2.2' })],
        body: ['abs.{z}. 300 A 192.0.2.2'],
        served: ['abs 300 A 192.0.2.2'],
      },
      {
        tc: 'an absolute owner outside the zone is left out',
        source: 'RFC 1034 §4.2 (a zone holds the names at and below its apex)',
        crs: [
          A('abs', { name: 'abs.{z}.', ipv4Address: '192.0.2.2' }),
          A('away', { name: 'www.example.org.', ipv4Address: '192.0.2.3' }),
        ],
        body: ['abs.{z}. 300 A 192.0.2.2', 'www.example.org. 300 A 192.0.2.3'],
        served: ['abs 300 A 192.0.2.2'],
        status: { away: { reason: 'OutOfZone', message: 'spec.name: "www.example.org." is not inside zone {z}' } },
        refused: [['records/1/name', 'is not inside zone {z}']],
      },
      {
        tc: 'underscore labels: allowed for TXT, not for an A record',
        source: 'RFC 8552 §2 (underscored names); RFC 1123 §2.1 (host names are LDH)',
        crs: [
          TXT('dmarc', { name: '_dmarc', text: ['v=DMARC1; p=reject'] }),
          A('svc', { name: '_svc', ipv4Address: '192.0.2.4' }),
        ],
        body: ['_dmarc 300 TXT "v=DMARC1; p=reject"', '_svc 300 A 192.0.2.4'],
        served: ['_dmarc 300 TXT "v=DMARC1; p=reject"'],
        status: { svc: { reason: 'InvalidRecord', message: 'spec.name: label "_svc" is not a valid host name label' } },
        refused: [['records/1/name', 'label "_svc" is not a valid host name label']],
      },
    ],
  },
  ...TYPE_GROUPS,
];
