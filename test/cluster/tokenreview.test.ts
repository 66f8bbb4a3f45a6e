import { expect } from 'chai';
import { apiRequest, describeCluster, ensureServiceAccount, serviceAccountToken } from './support.js';

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string };
  audiences?: string[];
  error?: string;
}

async function review(token: string, audiences: readonly string[]): Promise<TokenReviewStatus> {
  const r = await apiRequest('/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } },
  });
  expect(r.status, r.body).to.equal(201);
  return (JSON.parse(r.body) as { status: TokenReviewStatus }).status;
}

describeCluster('TokenRequest + TokenReview on a real apiserver (what bindcar relies on)', () => {
  const ns = 'bindcar-auth';
  before(async () => {
    await ensureServiceAccount(ns, 'bindy-hooks');
  });

  it('a token requested for audience "bindcar" is authenticated for that audience as the ServiceAccount', async () => {
    const token = await serviceAccountToken(ns, 'bindy-hooks', ['bindcar']);
    const s = await review(token, ['bindcar']);
    expect(s.authenticated, s.error).to.equal(true);
    expect(s.user?.username).to.equal(`system:serviceaccount:${ns}:bindy-hooks`);
    expect(s.audiences).to.deep.equal(['bindcar']);
  });

  it('the same token is not authenticated for another audience', async () => {
    const token = await serviceAccountToken(ns, 'bindy-hooks', ['bindcar']);
    const s = await review(token, ['something-else']);
    expect(s.authenticated ?? false).to.equal(false);
    expect(s.error).to.match(/audience/i);
  });
});
