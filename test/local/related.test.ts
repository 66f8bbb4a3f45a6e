/**
 * local/related.ts against Metacontroller v4.17.2's related-rule semantics for hook v2
 * (pkg/controller/common/customize/manager.go and its manager_test.go Test_matchRelatedRule cases).
 */
import { expect } from 'chai';
import { checkSelector, ruleSelects, selectionType } from '../../local/related.js';
import type { KubeObject, RelatedResourceRule } from '../../hooks/metacontroller.js';

const V = 'bindy.firestoned.io/v1beta1';
const rec = (name: string, namespace: string | undefined, labels?: Record<string, string>): KubeObject => ({
  apiVersion: V,
  kind: 'ARecord',
  metadata: { name, ...(namespace === undefined ? {} : { namespace }), ...(labels ? { labels } : {}) },
});
const rule = (r: Partial<RelatedResourceRule>): RelatedResourceRule => ({ apiVersion: V, resource: 'arecords', ...r });

describe('local/related', () => {
  const world = [
    rec('a', 'ns1', { zone: 'z', tier: 'web' }),
    rec('b', 'ns1', { zone: 'y' }),
    rec('c', 'ns2', { zone: 'z' }),
    rec('d', 'ns2'),
  ];
  const table: { name: string; rule: RelatedResourceRule; selected: string[] }[] = [
    {
      name: 'matchLabels without namespace: every namespace',
      rule: rule({ labelSelector: { matchLabels: { zone: 'z' } } }),
      selected: ['a', 'c'],
    },
    {
      name: 'matchLabels with namespace: that namespace',
      rule: rule({ namespace: 'ns1', labelSelector: { matchLabels: { zone: 'z' } } }),
      selected: ['a'],
    },
    {
      name: 'In',
      rule: rule({ labelSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['y', 'z'] }] } }),
      selected: ['a', 'b', 'c'],
    },
    {
      name: 'NotIn also matches objects without the label',
      rule: rule({ labelSelector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z'] }] } }),
      selected: ['b', 'd'],
    },
    {
      name: 'Exists',
      rule: rule({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }),
      selected: ['a'],
    },
    {
      name: 'DoesNotExist',
      rule: rule({
        namespace: 'ns2',
        labelSelector: { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] },
      }),
      selected: ['d'],
    },
    {
      name: 'matchLabels and matchExpressions together (AND)',
      rule: rule({
        labelSelector: {
          matchLabels: { zone: 'z' },
          matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }],
        },
      }),
      selected: ['c'],
    },
    { name: 'an empty selector selects everything', rule: rule({ labelSelector: {} }), selected: ['a', 'b', 'c', 'd'] },
    { name: 'no selector and no names selects everything', rule: rule({}), selected: ['a', 'b', 'c', 'd'] },
    { name: 'a namespace alone: all of it', rule: rule({ namespace: 'ns2' }), selected: ['c', 'd'] },
    { name: 'names with a namespace', rule: rule({ namespace: 'ns1', names: ['a', 'c'] }), selected: ['a'] },
    { name: 'names without a namespace: any namespace (v2)', rule: rule({ names: ['a', 'c'] }), selected: ['a', 'c'] },
    {
      name: 'an empty namespace is no namespace',
      rule: rule({ namespace: '', labelSelector: { matchLabels: { zone: 'z' } } }),
      selected: ['a', 'c'],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      expect(world.filter((o) => ruleSelects(c.rule, o, true)).map((o) => o.metadata.name)).to.deep.equal(c.selected);
    });
  }

  it('ignores the namespace for cluster-scoped objects', () => {
    const provider = rec('p', undefined, { zone: 'z' });
    expect(ruleSelects(rule({ namespace: 'ns1', names: ['p'] }), provider, false)).to.equal(true);
    expect(
      ruleSelects(rule({ namespace: 'ns1', labelSelector: { matchLabels: { zone: 'z' } } }), provider, false),
    ).to.equal(true);
  });

  it('rejects what Metacontroller rejects', () => {
    expect(() => selectionType(rule({ names: ['a'], labelSelector: {} }))).to.throw(/both names and labelSelector/);
    expect(() => selectionType({ ...rule({}), namespaceSelector: {} } as RelatedResourceRule)).to.throw(
      /namespaceSelector is not supported/,
    );
    const bad: [object, RegExp][] = [
      [{ matchLabels: { zone: 'x'.repeat(64) } }, /value "x{64}" must be at most 63/],
      [{ matchLabels: { zone: 'ends-with-dot.' } }, /must be at most 63/],
      [{ matchLabels: { 'Bad Key': 'v' } }, /label key "Bad Key"/],
      [{ matchLabels: { 'UPPER.example/k': 'v' } }, /prefix must be a DNS subdomain/],
      [{ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }, /k In needs values/],
      [{ matchExpressions: [{ key: 'k', operator: 'Exists', values: ['v'] }] }, /k Exists takes no values/],
      [
        { matchExpressions: [{ key: 'k', operator: 'Gt', values: ['1'] }] },
        /"Gt" is not a valid label selector operator/,
      ],
    ];
    for (const [sel, message] of bad) {
      expect(() => checkSelector(sel), JSON.stringify(sel)).to.throw(message);
      expect(() => ruleSelects(rule({ labelSelector: sel }), world[0]!, true)).to.throw(message);
    }
    expect(() =>
      checkSelector({ matchLabels: { 'bindy.firestoned.io/zone-ref': 'example-com', k: '' } }),
    ).not.to.throw();
  });
});
