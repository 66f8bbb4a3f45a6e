import { expect } from 'chai';
import { CEL_RULES } from '../../hooks/schema/generated.js';
import { CEL_PREDICATE_RULES, celViolations, isTransitionRule, validateObject } from '../../hooks/schema/cel.js';
import {
  assertValid,
  fieldErrors,
  InvalidSpec,
  pointerToField,
  schemaErrors,
  validateDNSZone,
} from '../../hooks/schema/validate.js';
import { BASE_SPECS, bindyDoc, INVALID_SPECS, VALID_SPECS } from './invalid-specs.js';

/** The last property name in a dotted path (`spec.text[0]` → `text`). */
function lastProperty(field: string): string {
  const props = field.replace(/\[[^\]]*\]/g, '').split('.');
  return props[props.length - 1]!;
}

describe('hooks/schema: invalid specs', () => {
  it('has at least 60 cases, with CEL-only ones among them', () => {
    expect(INVALID_SPECS.length).to.be.at.least(60);
    expect(INVALID_SPECS.filter((c) => c.celOnly).length).to.be.at.least(10);
  });

  for (const c of INVALID_SPECS) {
    it(`rejects ${c.name} naming ${c.field}`, () => {
      const errors = validateObject(c.doc);
      expect(
        errors.map((e) => e.field),
        JSON.stringify(errors),
      ).to.include(c.field);
      const schema = schemaErrors(c.kind, c.doc);
      if (c.celOnly) {
        // GIVEN a document only a CEL rule rejects THEN the schema passes and the TS re-check names the field
        expect(schema, 'schema must accept a celOnly case').to.deep.equal([]);
        const cel = celViolations(c.kind, c.doc).find((e) => e.field === c.field);
        expect(cel, 'CEL re-check must name the field').to.not.equal(undefined);
        expect(cel!.message).to.include(lastProperty(c.field));
      } else {
        expect(schema.map((e) => e.field)).to.include(c.field);
        for (const e of schema) expect(e.message).to.be.a('string').and.not.equal('');
      }
    });
  }
});

describe('hooks/schema: valid specs', () => {
  for (const [kind, spec] of Object.entries(BASE_SPECS)) {
    it(`accepts the base ${kind}`, () => {
      expect(validateObject(bindyDoc(kind as keyof typeof BASE_SPECS, spec))).to.deep.equal([]);
    });
  }
  for (const c of VALID_SPECS) {
    it(`accepts ${c.name}`, () => {
      expect(validateObject(c.doc)).to.deep.equal([]);
    });
  }
});

describe('hooks/schema/cel', () => {
  it('has a TypeScript predicate for every CEL rule of the CRDs, and no stale ones', () => {
    const crdRules = [...new Set(CEL_RULES.map((r) => r.rule).filter((r) => !isTransitionRule(r)))].sort();
    expect([...CEL_PREDICATE_RULES].sort()).to.deep.equal(crdRules);
  });

  it('leaves transition rules (oldSelf) to the apiserver: spec.zoneName is immutable', () => {
    const transition = CEL_RULES.filter((r) => isTransitionRule(r.rule)).map((r) => `${r.kind} ${r.path}: ${r.rule}`);
    expect(transition).to.deep.equal(['DNSZone spec.zoneName: self == oldSelf']);
  });

  it('exercises every CEL rule with at least one celOnly invalid case', () => {
    const triggered = new Set<string>();
    for (const c of INVALID_SPECS.filter((x) => x.celOnly)) {
      for (const e of celViolations(c.kind, c.doc)) triggered.add(e.message);
    }
    const untested = [...new Set(CEL_RULES.filter((r) => !isTransitionRule(r.rule)).map((r) => r.message))].filter(
      (m) => !triggered.has(m),
    );
    expect(untested).to.deep.equal([]);
  });

  it('names a spec field in every CEL message', () => {
    for (const r of CEL_RULES) expect(r.message, r.rule).to.match(/^spec\.[A-Za-z]/);
  });

  it('does not run rules on absent optional nodes', () => {
    const doc = bindyDoc('DNSZone', { zoneName: 'example.com', clusterRef: 'dns' });
    expect(celViolations('DNSZone', doc)).to.deep.equal([]);
  });

  it('reports one violation per offending list item, with its index', () => {
    const doc = bindyDoc('DNSZone', {
      zoneName: 'example.com',
      clusterRef: 'dns',
      recordsFrom: [
        { selector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } },
        {
          selector: {
            matchExpressions: [
              { key: 'a', operator: 'In' },
              { key: 'b', operator: 'NotIn', values: [] },
            ],
          },
        },
      ],
    });
    expect(celViolations('DNSZone', doc).map((e) => e.field)).to.deep.equal([
      'spec.recordsFrom[1].selector.matchExpressions[0].values',
      'spec.recordsFrom[1].selector.matchExpressions[1].values',
    ]);
  });

  it('classifies objects that are not bindy kinds instead of ignoring them', () => {
    expect(validateObject({ apiVersion: 'v1', kind: 'ConfigMap' })).to.deep.equal([
      { field: 'kind', message: 'not a bindy.firestoned.io kind: "ConfigMap"' },
    ]);
    expect(validateObject({ dns: { zones: {} } })[0]!.field).to.equal('kind');
    expect(validateObject(null)[0]!.field).to.equal('kind');
  });
});

describe('hooks/schema/validate', () => {
  const zone = bindyDoc('DNSZone', { zoneName: 'example.com', clusterRef: 'dns' }, 'example-com');

  it('narrows with the type guard', () => {
    const value: unknown = zone;
    expect(validateDNSZone(value)).to.equal(true);
    if (validateDNSZone(value)) expect(value.spec.zoneName).to.equal('example.com');
  });

  it('rejects the wrong apiVersion and kind, and a missing metadata.name', () => {
    const fields = schemaErrors('DNSZone', {
      ...zone,
      apiVersion: 'bindy.firestoned.io/v1',
      kind: 'ARecord',
      metadata: {},
    }).map((e) => e.field);
    expect(fields).to.include.members(['apiVersion', 'kind', 'metadata.name']);
  });

  it('assertValid throws InvalidSpec listing field: reason pairs', () => {
    const bad = bindyDoc('DNSZone', { zoneName: 'bad zone', clusterRef: 'dns', ttl: -1 }, 'x');
    let thrown: unknown;
    try {
      assertValid(validateDNSZone, bad, 'DNSZone default/x');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(InvalidSpec);
    const err = thrown as InvalidSpec;
    expect(err.code).to.equal('INVALID_SPEC');
    expect(err.message).to.match(/^DNSZone default\/x is invalid: /);
    expect(err.message).to.include('spec.zoneName: must match pattern');
    expect(err.message).to.include('spec.ttl: must be >= 0');
    expect(err.errors.map((e) => e.field)).to.deep.equal(['spec.zoneName', 'spec.ttl']);
  });

  it('assertValid returns quietly for a valid object', () => {
    expect(() => assertValid(validateDNSZone, zone, 'zone')).to.not.throw();
  });

  const pointers: [string, string][] = [
    ['', ''],
    ['/spec/zoneName', 'spec.zoneName'],
    ['/spec/ipv4Addresses/0', 'spec.ipv4Addresses[0]'],
    ['/spec/primary/labels/app.kubernetes.io~1name', 'spec.primary.labels["app.kubernetes.io/name"]'],
    ['/spec/acls/a~0b', 'spec.acls["a~b"]'],
  ];
  for (const [pointer, field] of pointers) {
    it(`maps JSON pointer "${pointer}" to "${field}"`, () => {
      expect(pointerToField(pointer)).to.equal(field);
    });
  }

  it('names the missing or unknown field itself and folds anyOf branches into one error', () => {
    expect(fieldErrors(null)).to.deep.equal([]);
    const doc = bindyDoc('Bind9Cluster', { secondary: { zones: [{ region: 'eu-west-1', bogus: 1 }] }, bogus: true });
    const errors = schemaErrors('Bind9Cluster', doc);
    expect(errors.map((e) => e.field)).to.deep.equal(['spec.bogus', 'spec.secondary.zones[0]']);
    expect(errors[0]!.message).to.equal('unknown field');
    const missing = schemaErrors('CNAMERecord', bindyDoc('CNAMERecord', {}));
    expect(missing).to.deep.equal([{ field: 'spec.target', message: 'is required' }]);
  });

  it('checks the Kubernetes formats it registers (date-time, int32)', () => {
    const status = (t: string): unknown => ({
      ...zone,
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Synced', message: '', lastTransitionTime: t }] },
    });
    expect(schemaErrors('DNSZone', status('2026-11-22T03:00:00Z'))).to.deep.equal([]);
    expect(schemaErrors('DNSZone', status('yesterday')).map((e) => e.field)).to.deep.equal([
      'status.conditions[0].lastTransitionTime',
    ]);
    expect(schemaErrors('DNSZone', status('2026-13-01T00:00:00Z'))).to.have.length(1);
  });
});
