/**
 * Validators compiled on first use (dns/lazy-validator.ts): nothing compiles at creation, a call compiles once and
 * answers as Ajv does (errors kept on the function), and warming compiles the rest without a call.
 */
import { expect } from 'chai';
import { Ajv, type ValidateFunction } from 'ajv';
import { lazyValidator, warmValidators } from '../../dns/lazy-validator.js';

describe('dns/lazy-validator', () => {
  const schema = { type: 'object', properties: { ttl: { type: 'integer', minimum: 0 } }, required: ['ttl'] };
  const counting = () => {
    const ajv = new Ajv({ allErrors: true });
    const calls = { n: 0 };
    const compile = (): ValidateFunction<{ ttl: number }> => {
      calls.n++;
      return ajv.compile<{ ttl: number }>(schema);
    };
    return { calls, compile };
  };

  it('compiles on the first call only, and keeps the errors of each call as Ajv does', () => {
    const { calls, compile } = counting();
    const v = lazyValidator(compile);
    expect(calls.n).to.equal(0);
    expect(v({ ttl: -1 })).to.equal(false);
    expect(v.errors?.map((e) => [e.instancePath, e.keyword])).to.deep.equal([['/ttl', 'minimum']]);
    expect(v({ ttl: 5 })).to.equal(true);
    expect(v.errors).to.equal(null);
    expect(v({})).to.equal(false);
    expect(v.errors?.[0]?.params).to.deep.equal({ missingProperty: 'ttl' });
    expect(calls.n).to.equal(1);
  });

  it('warmValidators compiles the validators not used yet, each once', async () => {
    const a = counting();
    const b = counting();
    const used = lazyValidator(a.compile);
    lazyValidator(b.compile);
    used({ ttl: 1 });
    await warmValidators();
    expect([a.calls.n, b.calls.n]).to.deep.equal([1, 1]);
    await warmValidators();
    expect(used({ ttl: 2 })).to.equal(true);
    expect([a.calls.n, b.calls.n]).to.deep.equal([1, 1]);
  });
});
