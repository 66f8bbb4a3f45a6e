import { expect } from 'chai';
import { validateDocs } from '../../cli/commands/validate.js';
import { parseDocs } from '../../cli/manifests.js';

const docs = (text: string) => parseDocs(text, 'dns/x.yaml');

describe('cli/commands/validate', () => {
  it('names file, document, object and field for an invalid object', () => {
    const report = validateDocs(
      docs(`apiVersion: bindy.firestoned.io/v1beta1
kind: DNSZone
metadata: {name: z}
spec: {zoneName: example.com, clusterRef: dns}
---
apiVersion: bindy.firestoned.io/v1beta1
kind: ARecord
metadata: {name: www}
spec: {zoneRef: z, ipv4Address: "300.1.1.1"}
`),
    );
    expect(report.objects).to.equal(2);
    expect(report.errors).to.have.length.greaterThan(0);
    expect(report.errors[0]).to.include({
      file: 'dns/x.yaml',
      doc: 2,
      object: 'ARecord/www',
      field: 'spec.ipv4Address',
    });
  });

  it('skips YAML that is not a bindy object, with the reason', () => {
    const report = validateDocs(docs('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\ndns:\n  zones: {}\n'));
    expect(report.objects).to.equal(0);
    expect(report.skipped.map((s) => s.message)).to.deep.equal([
      'not a bindy.firestoned.io object (kind ConfigMap)',
      'not a Kubernetes object (no apiVersion/kind)',
    ]);
  });

  it('reports YAML syntax errors as errors', () => {
    const report = validateDocs(docs('a: [1, 2\n'));
    expect(report.errors[0]?.message).to.match(/^YAML: /);
  });

  it('warns about a record whose zoneRef names no zone in the folder', () => {
    const report = validateDocs(
      docs(
        'apiVersion: bindy.firestoned.io/v1beta1\nkind: ARecord\nmetadata: {name: www}\nspec: {zoneRef: nope, ipv4Address: 192.0.2.1}\n',
      ),
    );
    expect(report.errors).to.deep.equal([]);
    expect(report.warnings[0]).to.include({ field: 'spec.zoneRef' });
  });
});
