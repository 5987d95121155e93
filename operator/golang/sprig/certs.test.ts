import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generatePrivateKey, processEnvironment } from '../../runtime/process-environment.js';
import { fixedTemplateEnvironment, renderTemplate } from '../template/index.js';

const render = (t: string): string =>
  renderTemplate(t, {}, { funcs: 'sprig', environment: processEnvironment });

function cert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

describe('sprig certificate functions', () => {
  it('genCA builds a self-signed CA certificate with an RSA key', () => {
    const [c, k] = render('{{ $ca := genCA "my-ca" 30 }}{{ $ca.Cert }}|{{ $ca.Key }}').split('|') as [
      string,
      string,
    ];
    const x = cert(c);
    expect(x.subject).toBe('CN=my-ca');
    expect(x.issuer).toBe('CN=my-ca');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(k).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(createPrivateKey(k).asymmetricKeyType).toBe('rsa');
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400000;
    expect(Math.round(days)).toBe(30);
  });

  it('genSignedCert is issued and signed by the CA, with SANs', () => {
    const out = render(
      '{{ $ca := genCA "ca" 5 }}{{ $c := genSignedCert "svc" (list "10.0.0.1" "::1") (list "svc.local" "svc") 5 $ca }}{{ $ca.Cert }}|{{ $c.Cert }}',
    );
    const [caPem, leafPem] = out.split('|') as [string, string];
    const ca = cert(caPem);
    const leaf = cert(leafPem);
    expect(leaf.issuer).toBe('CN=ca');
    expect(leaf.subject).toBe('CN=svc');
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.subjectAltName).toBe(
      'DNS:svc.local, DNS:svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('self-signed and with-key variants reuse the given key', () => {
    const out = render(
      '{{ $k := genPrivateKey "ecdsa" }}{{ $c := genSelfSignedCertWithKey "me" nil (list "a.example") 1 $k }}{{ $c.Cert }}|{{ eq $c.Key $k }}',
    );
    const [pem, same] = out.split('|') as [string, string];
    expect(same).toBe('true');
    const x = cert(pem);
    expect(x.subject).toBe('CN=me');
    expect(x.verify(x.publicKey)).toBe(true);
  });

  it('reports bad inputs like sprig', () => {
    expect(() => render('{{ genSelfSignedCert "x" (list 1) nil 1 }}')).toThrow(
      'error calling genSelfSignedCert: error parsing ip: 1 is not a string',
    );
    expect(() => render('{{ genSelfSignedCert "x" (list "nope") nil 1 }}')).toThrow('error parsing ip: nope');
    expect(() => render('{{ buildCustomCert "%%%" "x" }}')).toThrow('unable to decode base64 certificate');
    expect(() => render('{{ genCAWithKey "x" 1 "junk" }}')).toThrow('parsing private key');
  });

  it('take the validity start, serial number and key from the template environment', () => {
    const env = () =>
      fixedTemplateEnvironment({
        nowMs: Date.UTC(2030, 4, 6, 7, 8, 9),
        seed: 'certs',
        privateKey: generatePrivateKey,
      });
    const tpl = '{{ $ca := genCA "ca" 2 }}{{ $ca.Cert }}';
    const first = cert(renderTemplate(tpl, {}, { funcs: 'sprig', environment: env() }));
    expect(new Date(first.validFrom).toISOString()).toBe('2030-05-06T07:08:09.000Z');
    expect(new Date(first.validTo).toISOString()).toBe('2030-05-08T07:08:09.000Z');
    const second = cert(renderTemplate(tpl, {}, { funcs: 'sprig', environment: env() }));
    expect(second.serialNumber).toBe(first.serialNumber);
  });
});
