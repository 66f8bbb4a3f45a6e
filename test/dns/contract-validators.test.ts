/**
 * dns/contract-validators.ts is what `npm run gen` compiles from the schemas of dns/contract.ts
 * (scripts/gen/contract-validators.ts): stale, it would check bodies against schemas that are no longer the contract.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import { renderContractValidators } from '../../scripts/gen/contract-validators.js';
import * as contract from '../../dns/contract.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('dns/contract-validators (compiled by npm run gen)', () => {
  it('is the code the current schemas compile to (run `npm run gen` when this fails)', () => {
    const file = readFileSync(join(ROOT, 'dns', 'contract-validators.ts'), 'utf8');
    expect(
      file === renderContractValidators(contract.CONTRACT_SCHEMAS),
      'dns/contract-validators.ts is stale',
    ).to.equal(true);
  });

  it('gives the verdict and the errors of the same schema compiled by Ajv', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const bodies: unknown[] = [
      {},
      { type: 'primary', ttl: -1, soa: {}, nameServers: [], records: [{ name: 'a'.repeat(300), type: 'A' }] },
      { type: 'primary', ttl: 300, soa: 'x', nameServers: [{ hostname: '💥'.repeat(300) }], records: 'none' },
      { zoneName: 'example.com', zoneType: 'primary', soaRecord: null },
      { name: 'www', type: 'A', value: '10.0.0.1', ttl: 300 },
      { rrsets: [{ name: '', type: 'A', ttl: 1.5, records: [] }], expectSerial: 'one' },
    ];
    for (const [name, schema] of Object.entries(contract.CONTRACT_SCHEMAS)) {
      const compiled = ajv.compile(schema as AnySchema);
      const ours = contract[name as keyof typeof contract.CONTRACT_SCHEMAS];
      for (const body of bodies) {
        expect(ours(body), `${name} ${JSON.stringify(body).slice(0, 60)}`).to.equal(compiled(body));
        expect(ours.errors ?? null, name).to.deep.equal(compiled.errors ?? null);
      }
    }
  });
});
