/**
 * bindcar/dnssec.ts, pure part: `rndc dnssec -status` as BIND 9.18 prints it (texts captured from named during a CSK
 * rollover, `rndc dnssec -rollover`), and which DS the parent should serve at each step of the rollover.
 */
import { expect } from 'chai';
import { parseDnskeyText } from '../../dns/dnssec.js';
import { parseDnssecStatus, zoneDnssecOf } from '../../bindcar/dnssec.js';

// two key-signing keys of example.com made by `dnssec-keygen -a ECDSAP256SHA256 -f KSK example.com` for this test
const OLD = parseDnskeyText(
  '257 3 13 DCfQK6kL4rXMK9r44jTznxum0Mu8kNlHNmCyq1JBuENOchz3pAAMWju7 3oLJPqhbyu9Abt/GwFmM+jZ6BGl36Q==',
)!;
const NEW = parseDnskeyText(
  '257 3 13 B/0Nprqej1BRXH11/fuG6q6FI1LxSj6Q+RwwXhxmBaHpWz9UeK5Bdtdv hA7kV0eQpj/RcD0rDrsAehBmUELy9A==',
)!;
const [OLD_TAG, NEW_TAG] = [61913, 34423];

function key(tag: number, states: { goal: string; dnskey: string; ds: string }, retiring = false): string {
  return `key: ${tag} (ECDSAP256SHA256), CSK
  published:      yes - since Wed Dec  2 23:42:10 2026
  key signing:    yes - since Wed Dec  2 23:42:10 2026
  zone signing:   yes - since Wed Dec  2 23:42:10 2026

  ${retiring ? 'Key will retire on Wed Dec  2 23:42:27 2026' : 'No rollover scheduled'}
  - goal:           ${states.goal}
  - dnskey:         ${states.dnskey}
  - ds:             ${states.ds}
  - zone rrsig:     omnipresent
  - key rrsig:      omnipresent
`;
}
const status = (...keys: string[]) =>
  parseDnssecStatus(`dnssec-policy: fast\ncurrent time:  Wed Dec  2 23:42:25 2026\n\n${keys.join('\n')}\n`);
const dsTags = (ds: string[]) => ds.map((l) => Number(l.split(' ')[3]));

describe('bindcar/dnssec (rndc dnssec -status, the DS for the parent)', () => {
  it('reads each key’s role, goal, DNSKEY and DS state', () => {
    const s = status(key(OLD_TAG, { goal: 'omnipresent', dnskey: 'rumoured', ds: 'hidden' }));
    expect(s.policy).to.equal('fast');
    expect(s.keys.get(OLD_TAG)).to.deep.equal({
      role: 'CSK',
      goal: 'omnipresent',
      dnskeyState: 'rumoured',
      dsState: 'hidden',
    });
  });

  it('lists a new zone’s only key-signing key at once (no rollover: nothing to wait for)', () => {
    const d = zoneDnssecOf(
      'example.com',
      true,
      status(key(OLD_TAG, { goal: 'omnipresent', dnskey: 'rumoured', ds: 'hidden' })),
      [OLD],
    );
    expect(dsTags(d.ds)).to.deep.equal([OLD_TAG]);
    expect(d.keys[0]).to.include({ keyTag: OLD_TAG, goal: 'omnipresent', dnskeyState: 'rumoured' });
  });

  it('keeps the retiring key’s DS while the successor’s DNSKEY propagates, then swaps to the successor’s', () => {
    // rollover started: the successor's DNSKEY is published but not yet in every cache
    const started = status(
      key(NEW_TAG, { goal: 'omnipresent', dnskey: 'rumoured', ds: 'hidden' }),
      key(OLD_TAG, { goal: 'hidden', dnskey: 'omnipresent', ds: 'omnipresent' }, true),
    );
    const during = zoneDnssecOf('example.com', true, started, [OLD, NEW]);
    expect(during.keys.map((k) => k.keyTag)).to.deep.equal([NEW_TAG, OLD_TAG]);
    expect(dsTags(during.ds)).to.deep.equal([OLD_TAG]);
    // the successor's DNSKEY is omnipresent: the parent now needs its DS, and no longer the retiring key's
    const swapped = status(
      key(NEW_TAG, { goal: 'omnipresent', dnskey: 'omnipresent', ds: 'rumoured' }),
      key(OLD_TAG, { goal: 'hidden', dnskey: 'omnipresent', ds: 'unretentive' }, true),
    );
    expect(dsTags(zoneDnssecOf('example.com', true, swapped, [OLD, NEW]).ds)).to.deep.equal([NEW_TAG]);
  });

  it('lists every key-signing key when named says nothing of their states', () => {
    const d = zoneDnssecOf('example.com', true, { policy: 'default', keys: new Map() }, [OLD, NEW]);
    expect(dsTags(d.ds).sort()).to.deep.equal([NEW_TAG, OLD_TAG].sort());
  });
});
