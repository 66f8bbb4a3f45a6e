import { expect } from 'chai';
import { defaultDnssecPolicy } from '../../../hooks/children/instance-model.js';
import type { Bind9Config } from '../../../hooks/schema/generated.js';
import { dnssecValidation } from '../../../hooks/render/named-conf.js';

describe('hooks/children/instance-model dnssec', () => {
  const cases: { name: string; config: Bind9Config | undefined; policy: string | undefined; validation: boolean }[] = [
    { name: 'unset', config: {}, policy: undefined, validation: false },
    { name: 'seed form true', config: { dnssec: true }, policy: 'default', validation: true },
    { name: 'seed form false', config: { dnssec: false }, policy: undefined, validation: false },
    { name: 'object, validation only', config: { dnssec: { validation: true } }, policy: undefined, validation: true },
    {
      name: 'object, signing on',
      config: { dnssec: { signing: { enabled: true } } },
      policy: 'default',
      validation: false,
    },
    {
      name: 'object, signing with a named policy',
      config: { dnssec: { validation: true, signing: { enabled: true, policy: 'fast' } } },
      policy: 'fast',
      validation: true,
    },
    {
      name: 'object, signing off',
      config: { dnssec: { signing: { enabled: false, policy: 'x' } } },
      policy: undefined,
      validation: false,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: zones default to ${c.policy ?? 'no dnssec-policy'}, validation ${c.validation ? 'yes' : 'no'}`, () => {
      expect(defaultDnssecPolicy(c.config)).to.equal(c.policy);
      expect(dnssecValidation(c.config ?? {})).to.equal(c.validation);
    });
  }
});
