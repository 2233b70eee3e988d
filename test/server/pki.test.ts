/**
 * The local CA and the certificates it issues, read back the way their users read them: Node's
 * X509Certificate (which TLS and token checks use), @peculiar/asn1-x509 for what Node does not
 * show (key usage bits, key identifiers, raw address octets), and OpenSSL's command line when
 * the machine has it (those tests are skipped without it).
 */
import { strict as assert } from 'assert';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
  id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier, KeyUsage as KeyUsageBits, SubjectAlternativeName,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { spawnSync } from 'child_process';
import { createHash, generateKeyPairSync, KeyObject, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { CertificateAuthority } from '../../server/pki/certificateAuthority';
import { createCertificate, EXTENDED_KEY_USAGE, KeyUsage, SubjectSpec } from '../../server/pki/x509';

const DAY_MS = 24 * 3600 * 1000;
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

/** An identity certificate as server/agents/identityCertificates.ts issues it. */
function identitySpec(subjectKey: KeyObject, overrides: Partial<SubjectSpec> = {}): SubjectSpec {
  const now = Date.now();
  return {
    subject: { commonName: 'principal-id', organizationalUnit: 'tenant-id', organization: 'Arclight managed identity' },
    subjectKey,
    notBefore: new Date(now),
    notAfter: new Date(now + 90 * DAY_MS),
    keyUsage: [KeyUsage.digitalSignature],
    extendedKeyUsage: [EXTENDED_KEY_USAGE.clientAuth],
    ...overrides,
  };
}

const parsed = (pem: string) => AsnConvert.parse(new X509Certificate(pem).raw, Certificate);

function extension(pem: string, oid: string) {
  const found = parsed(pem).tbsCertificate.extensions?.find((e) => e.extnID === oid);
  assert.ok(found, `extension ${oid}`);
  return found;
}

const keyUsageOf = (pem: string) => AsnConvert.parse(extension(pem, id_ce_keyUsage).extnValue, KeyUsageBits).toJSON().sort();
const skiOf = (pem: string) => Buffer.from(AsnConvert.parse(extension(pem, id_ce_subjectKeyIdentifier).extnValue, SubjectKeyIdentifier).buffer);
function akiOf(pem: string): Buffer {
  const aki = AsnConvert.parse(extension(pem, id_ce_authorityKeyIdentifier).extnValue, AuthorityKeyIdentifier);
  assert.ok(aki.keyIdentifier);
  return Buffer.from(aki.keyIdentifier.buffer);
}

/** RFC 5280 4.2.1.2 method 1, from Node's own exports: the SHA-1 of the subjectPublicKey bits. */
function method1KeyId(key: KeyObject): Buffer {
  const bits = key.asymmetricKeyType === 'rsa'
    ? key.export({ type: 'pkcs1', format: 'der' }) // an RSA subjectPublicKey is the PKCS#1 RSAPublicKey
    : key.export({ type: 'spki', format: 'der' }).subarray(-65); // a P-256 one is the 65-byte uncompressed point, last in the SPKI
  return createHash('sha1').update(bits).digest();
}

/** The octets of each iPAddress entry of the subjectAltName, read with asn1js rather than the library's address converter. */
function ipOctets(pem: string): Buffer[] {
  const { result } = asn1js.fromBER(extension(pem, id_ce_subjectAltName).extnValue.buffer);
  const names = (result as asn1js.Sequence).valueBlock.value;
  return names.filter((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 7).map((n) => Buffer.from((n as asn1js.Primitive).valueBlock.valueHexView));
}

function openssl(args: string[], input?: string): string {
  const run = spawnSync('openssl', args, { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `openssl ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

describe('PKI: the local CA and the certificates it issues', () => {
  let ca: CertificateAuthority;
  before(() => {
    ca = CertificateAuthority.loadOrCreate(undefined);
  });

  describe('the CA certificate', () => {
    it('is a CA: basicConstraints cA true and critical, keyCertSign and cRLSign', () => {
      assert.equal(ca.certificate.ca, true);
      const bc = extension(ca.certPem, id_ce_basicConstraints);
      assert.equal(bc.critical, true);
      assert.equal(AsnConvert.parse(bc.extnValue, BasicConstraints).cA, true);
      assert.equal(extension(ca.certPem, id_ce_keyUsage).critical, true);
      assert.deepEqual(keyUsageOf(ca.certPem), ['crlSign', 'digitalSignature', 'keyCertSign']);
    });

    it('is self-signed, its key identifier the RFC 5280 method 1 one, and names itself as its authority', () => {
      assert.ok(ca.certificate.verify(ca.publicKey));
      assert.ok(ca.certificate.checkIssued(ca.certificate));
      assert.equal(ca.certificate.subject, 'O=Arclight\nCN=Arclight Local Certificate Authority');
      assert.equal(ca.certificate.issuer, ca.certificate.subject);
      assert.deepEqual(skiOf(ca.certPem), method1KeyId(ca.publicKey));
      assert.deepEqual(akiOf(ca.certPem), skiOf(ca.certPem));
    });

    it('is valid from a day ago for ten years', () => {
      const from = Date.parse(ca.certificate.validFrom);
      const to = Date.parse(ca.certificate.validTo);
      assert.ok(Math.abs(from - (Date.now() - DAY_MS)) < 60_000);
      assert.equal(to - from, 3651 * DAY_MS);
    });
  });

  describe('identity certificates (EC P-256 subject keys)', () => {
    it('name the principal (CN), the tenant (OU) and Arclight (O), for the validity asked, in whole seconds', () => {
      const notBefore = new Date('2030-05-06T07:08:09.750Z');
      const notAfter = new Date('2030-08-04T07:08:09.250Z');
      const cert = new X509Certificate(ca.issue(identitySpec(ecKey().publicKey, { notBefore, notAfter })));
      assert.equal(cert.subject, 'O=Arclight managed identity\nOU=tenant-id\nCN=principal-id');
      assert.equal(cert.issuer, ca.certificate.subject);
      assert.equal(new Date(cert.validFrom).toISOString(), '2030-05-06T07:08:09.000Z');
      assert.equal(new Date(cert.validTo).toISOString(), '2030-08-04T07:08:09.000Z');
    });

    it('verify against the CA, and link to it by name and key identifier', () => {
      const { publicKey } = ecKey();
      const pem = ca.issue(identitySpec(publicKey));
      const cert = new X509Certificate(pem);
      assert.ok(cert.verify(ca.publicKey));
      assert.ok(!cert.verify(ecKey().publicKey));
      assert.ok(cert.checkIssued(ca.certificate)); // OpenSSL's check: issuer name, and AKI against the CA's SKI
      assert.ok(cert.publicKey.equals(publicKey));
      assert.deepEqual(akiOf(pem), skiOf(ca.certPem));
      assert.deepEqual(skiOf(pem), method1KeyId(publicKey));
    });

    it('are for client authentication and digital signatures only, and not CAs', () => {
      const pem = ca.issue(identitySpec(ecKey().publicKey));
      const cert = new X509Certificate(pem);
      assert.deepEqual(cert.keyUsage, [EXTENDED_KEY_USAGE.clientAuth]); // Node's keyUsage is the extended key usage
      assert.equal(cert.ca, false);
      assert.equal(cert.subjectAltName, undefined);
      assert.deepEqual(keyUsageOf(pem), ['digitalSignature']);
      assert.equal(extension(pem, id_ce_keyUsage).critical, true);
      assert.equal(extension(pem, id_ce_basicConstraints).critical, true);
      assert.equal(AsnConvert.parse(extension(pem, id_ce_basicConstraints).extnValue, BasicConstraints).cA, false);
      assert.deepEqual([...AsnConvert.parse(extension(pem, id_ce_extKeyUsage).extnValue, ExtendedKeyUsage)], ['1.3.6.1.5.5.7.3.2']);
    });

    it('have positive, unique serial numbers of at most 16 bytes, minimally encoded', () => {
      const { publicKey } = ecKey();
      const serials = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const bytes = Buffer.from(parsed(ca.issue(identitySpec(publicKey))).tbsCertificate.serialNumber);
        const hex = bytes.toString('hex');
        assert.ok(bytes.length <= 16, `at most 16 bytes (${hex})`);
        assert.equal(bytes[0] & 0x80, 0, `positive (${hex})`);
        if (bytes.length > 1) assert.ok(bytes[0] !== 0 || bytes[1] & 0x80, `no needless leading zero (${hex})`);
        assert.ok(bytes.some((b) => b !== 0), 'not zero');
        serials.add(bytes.toString('hex'));
      }
      assert.equal(serials.size, 200);
    });
  });

  describe('other keys', () => {
    it('certifies an RSA subject key (the token-signing certificate)', () => {
      const { publicKey } = rsaKey();
      const pem = ca.issue({ ...identitySpec(publicKey), subject: { commonName: 'Arclight token signing', organization: 'Arclight' }, extendedKeyUsage: undefined });
      const cert = new X509Certificate(pem);
      assert.ok(cert.verify(ca.publicKey));
      assert.ok(cert.checkIssued(ca.certificate));
      assert.ok(cert.publicKey.equals(publicKey));
      assert.deepEqual(skiOf(pem), method1KeyId(publicKey));
      assert.equal(cert.keyUsage, undefined);
    });

    it('signs with an RSA issuer key as sha256WithRSAEncryption (self-signed test client certificates)', () => {
      const { privateKey, publicKey } = rsaKey();
      const name = { commonName: 'arclight-test-client' };
      const pem = createCertificate({ ...identitySpec(publicKey), subject: name, issuer: { name, key: privateKey, publicKey } });
      const cert = new X509Certificate(pem);
      assert.ok(cert.verify(publicKey));
      const { signatureAlgorithm, tbsCertificate } = parsed(pem);
      assert.equal(signatureAlgorithm.algorithm, '1.2.840.113549.1.1.11');
      assert.equal(signatureAlgorithm.parameters, null, 'NULL parameters, as RFC 4055 asks');
      assert.equal(tbsCertificate.signature.algorithm, '1.2.840.113549.1.1.11');
      assert.deepEqual(akiOf(pem), skiOf(pem));
    });

    it('signs with an EC issuer key as ecdsa-with-SHA256 without parameters', () => {
      const { signatureAlgorithm } = parsed(ca.issue(identitySpec(ecKey().publicKey)));
      assert.equal(signatureAlgorithm.algorithm, '1.2.840.10045.4.3.2');
      assert.equal(signatureAlgorithm.parameters, undefined);
    });

    it('writes validity past 2049 as GeneralizedTime, and reads back the same instants', () => {
      const notAfter = new Date('2100-01-01T00:00:00.000Z');
      const pem = ca.issue(identitySpec(ecKey().publicKey, { notAfter }));
      const { validity } = parsed(pem).tbsCertificate;
      assert.ok(validity.notBefore.utcTime && !validity.notBefore.generalTime);
      assert.ok(validity.notAfter.generalTime && !validity.notAfter.utcTime);
      assert.equal(new Date(new X509Certificate(pem).validTo).toISOString(), notAfter.toISOString());
    });
  });

  describe('subjectAltName', () => {
    const names = ['localhost', 'arclight.example.test', '127.0.0.1', '::1', '2001:db8:85a3:0:0:8a2e:370:7334', '2001:db8::1'];
    let cert: X509Certificate;
    let pem: string;
    before(() => {
      pem = ca.serverCertificate(undefined, names).certPem;
      cert = new X509Certificate(pem);
    });

    it('is a server certificate for those names, signed by the CA', () => {
      assert.ok(cert.verify(ca.publicKey));
      assert.ok(cert.checkIssued(ca.certificate));
      assert.equal(cert.subject, 'O=Arclight\nCN=localhost');
      assert.deepEqual(cert.keyUsage, [EXTENDED_KEY_USAGE.serverAuth]);
      assert.deepEqual(keyUsageOf(pem), ['digitalSignature', 'keyEncipherment']);
      assert.equal(cert.ca, false);
    });

    it('matches DNS names, and no other', () => {
      assert.equal(cert.checkHost('localhost'), 'localhost');
      assert.equal(cert.checkHost('arclight.example.test'), 'arclight.example.test');
      assert.equal(cert.checkHost('other.example.test'), undefined);
    });

    it('matches 127.0.0.1, ::1 and full and compressed IPv6 addresses, in any spelling of them', () => {
      assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(cert.checkIP('127.0.0.2'), undefined);
      assert.equal(cert.checkIP('::1'), '::1');
      assert.equal(cert.checkIP('0:0:0:0:0:0:0:1'), '0:0:0:0:0:0:0:1');
      assert.equal(cert.checkIP('2001:db8:85a3::8a2e:370:7334'), '2001:db8:85a3::8a2e:370:7334');
      assert.equal(cert.checkIP('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:0db8:0000:0000:0000:0000:0000:0001');
      assert.equal(cert.checkIP('2001:db8::2'), undefined);
      assert.equal(cert.subjectAltName,
        'DNS:localhost, DNS:arclight.example.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:85A3:0:0:8A2E:370:7334, IP Address:2001:DB8:0:0:0:0:0:1');
    });

    it('writes IPv4 addresses as 4 octets and IPv6 ones as 16', () => {
      assert.deepEqual(ipOctets(pem).map((o) => o.toString('hex')), [
        '7f000001',
        '00000000000000000000000000000001',
        '20010db885a3000000008a2e03707334',
        '20010db8000000000000000000000001',
      ]);
    });

    it('is read back the same by the library', () => {
      const sans = AsnConvert.parse(extension(pem, id_ce_subjectAltName).extnValue, SubjectAlternativeName);
      assert.deepEqual(Array.from(sans, (n) => n.dNSName ?? n.iPAddress), ['localhost', 'arclight.example.test', '127.0.0.1', '::1', '2001:db8:85a3::8a2e:370:7334', '2001:db8::1']);
    });

    /*
     * ::ffff:127.0.0.1 is an IPv6 address (IPv4-mapped), so it is written as the 16 octets of that
     * address (RFC 5280 4.2.1.6). OpenSSL, and so Node's checkIP and TLS host checks, compare an
     * address with an entry only when both have the same length: the entry serves clients that
     * connect to [::ffff:127.0.0.1], and 127.0.0.1 needs an entry of its own (4 octets), as the
     * server certificate always has.
     */
    it('writes an IPv4-mapped IPv6 address as its 16 octets: it matches itself, not the IPv4 address', () => {
      const mapped = ca.serverCertificate(undefined, ['::ffff:127.0.0.1']).certPem;
      const mappedCert = new X509Certificate(mapped);
      assert.deepEqual(ipOctets(mapped).map((o) => o.toString('hex')), ['00000000000000000000ffff7f000001']);
      assert.equal(mappedCert.subjectAltName, 'IP Address:0:0:0:0:0:FFFF:7F00:1');
      assert.equal(mappedCert.checkIP('::ffff:127.0.0.1'), '::ffff:127.0.0.1');
      assert.equal(mappedCert.checkIP('::ffff:7f00:1'), '::ffff:7f00:1');
      assert.equal(mappedCert.checkIP('127.0.0.1'), undefined);
      assert.equal(checkServerIdentity('::ffff:127.0.0.1', mappedCert.toLegacyObject()), undefined);
      assert.ok(checkServerIdentity('127.0.0.1', mappedCert.toLegacyObject()) instanceof Error);

      const plain = new X509Certificate(ca.serverCertificate(undefined, ['127.0.0.1']).certPem);
      assert.equal(plain.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(plain.checkIP('::ffff:127.0.0.1'), undefined);
      assert.equal(checkServerIdentity('127.0.0.1', plain.toLegacyObject()), undefined);
      assert.ok(checkServerIdentity('::ffff:127.0.0.1', plain.toLegacyObject()) instanceof Error);
    });

    it('keeps a stored server certificate that covers an IPv4-mapped --host', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-pki-'));
      try {
        const first = ca.serverCertificate(dir, ['localhost', '127.0.0.1', '::ffff:127.0.0.1']);
        assert.equal(ca.serverCertificate(dir, ['localhost', '127.0.0.1', '::ffff:127.0.0.1']).certPem, first.certPem);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('drops an IPv6 zone, which only this machine knows', () => {
      const zoned = ca.serverCertificate(undefined, ['fe80::1%eth0']).certPem;
      assert.deepEqual(ipOctets(zoned).map((o) => o.toString('hex')), ['fe800000000000000000000000000001']);
    });

    it('writes a name with "://" as a URI', () => {
      const uri = ca.issue({ ...identitySpec(ecKey().publicKey), subjectAltNames: ['spiffe://arclight/cluster'] });
      assert.equal(new X509Certificate(uri).subjectAltName, 'URI:spiffe://arclight/cluster');
    });
  });

  describe('a CA made before the ASN.1 library (its key identifier the SHA-1 of its whole SubjectPublicKeyInfo)', () => {
    // Written by the hand-made DER encoder Arclight had before: valid until 2036.
    const OLD_CA_KEY = [
      '-----BEGIN PRIVATE KEY-----',
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7/dPAKEebfDEYUW5',
      'D8V9rzXJvaPmQHfsbhrJmyOa1KWhRANCAATyefvJFEuKylN+AHsW9IYSACsQUxWE',
      '4rvCZ+f6HsO46jWymY4OtciKeuGl+PTaBjldbBL+aA8cMLp+frTgUE0b',
      '-----END PRIVATE KEY-----', '',
    ].join('\n');
    const OLD_CA_CERT = [
      '-----BEGIN CERTIFICATE-----',
      'MIIB5TCCAYugAwIBAgIQVw8sqHA5qharplREtliBfDAKBggqhkjOPQQDAjBCMREw',
      'DwYDVQQKDAhBcmNsaWdodDEtMCsGA1UEAwwkQXJjbGlnaHQgTG9jYWwgQ2VydGlm',
      'aWNhdGUgQXV0aG9yaXR5MB4XDTI2MTIwMTAxMTcyNVoXDTM2MTEyOTAxMTcyNVow',
      'QjERMA8GA1UECgwIQXJjbGlnaHQxLTArBgNVBAMMJEFyY2xpZ2h0IExvY2FsIENl',
      'cnRpZmljYXRlIEF1dGhvcml0eTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPJ5',
      '+8kUS4rKU34Aexb0hhIAKxBTFYTiu8Jn5/oew7jqNbKZjg61yIp64aX49NoGOV1s',
      'Ev5oDxwwun5+tOBQTRujYzBhMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD',
      'AgGGMB0GA1UdDgQWBBTwDzpsfC+rGkPbUkFIYR4MsUDftTAfBgNVHSMEGDAWgBTw',
      'DzpsfC+rGkPbUkFIYR4MsUDftTAKBggqhkjOPQQDAgNIADBFAiEAm2LmIrN86xXw',
      'nrS9juasucXyHJYjKAFthzwfGJ08Y0MCIC3n6KcukRwx4yLLM0H4w2Kk0yG+KrzV',
      'fo6vLwf9w4Rz',
      '-----END CERTIFICATE-----', '',
    ].join('\n');

    it('still issues certificates that link to it: its name and its own key identifier', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-pki-'));
      try {
        fs.writeFileSync(path.join(dir, 'ca.pem'), OLD_CA_CERT);
        fs.writeFileSync(path.join(dir, 'ca-key.pem'), OLD_CA_KEY, { mode: 0o600 });
        const old = CertificateAuthority.loadOrCreate(dir);
        const oldSki = skiOf(OLD_CA_CERT);
        assert.deepEqual(oldSki, createHash('sha1').update(old.publicKey.export({ type: 'spki', format: 'der' })).digest());
        const pem = old.issue(identitySpec(ecKey().publicKey));
        const cert = new X509Certificate(pem);
        assert.ok(cert.verify(old.publicKey));
        assert.ok(cert.checkIssued(old.certificate));
        assert.deepEqual(akiOf(pem), oldSki);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('DER', () => {
    const EXTENSION_TYPES: Record<string, new () => object> = {
      [id_ce_basicConstraints]: BasicConstraints,
      [id_ce_keyUsage]: KeyUsageBits,
      [id_ce_extKeyUsage]: ExtendedKeyUsage,
      [id_ce_subjectKeyIdentifier]: SubjectKeyIdentifier,
      [id_ce_authorityKeyIdentifier]: AuthorityKeyIdentifier,
      [id_ce_subjectAltName]: SubjectAlternativeName,
    };

    /** asn1js's notes on anything it read that DER would not have written (long lengths, long OID arcs and the like). */
    function warnings(block: asn1js.AsnType, at = 'certificate'): string[] {
      const { idBlock, lenBlock, valueBlock } = block as asn1js.BaseBlock;
      const own = [idBlock, lenBlock, valueBlock].flatMap((part) => part.warnings).map((w) => `${at}: ${w}`);
      // A constructed element holds elements; an OBJECT IDENTIFIER holds its arcs, which note their own warnings. What an
      // OCTET STRING holds (an extension's value) asn1js may read too, but it is checked below as the extension it is.
      const value = (valueBlock as { value?: unknown }).value;
      const children = (Array.isArray(value) ? value : []) as Array<asn1js.AsnType | { warnings: string[] }>;
      return [...own, ...children.flatMap((child, i) => {
        if (!('idBlock' in child)) return child.warnings.map((w) => `${at}.${i}: ${w}`);
        return idBlock.isConstructed ? warnings(child, `${at}.${i}`) : [];
      })];
    }

    function assertCanonical(pem: string): void {
      const raw = new X509Certificate(pem).raw;
      const { result } = asn1js.fromBER(raw);
      // Integers wider than a JavaScript number (the serial, ECDSA's r and s) are only kept as bytes: a note, not a fault.
      assert.deepEqual(warnings(result).filter((w) => !w.endsWith('Too big Integer for decoding, hex only')), []);
      // What the library reads, it writes back byte for byte: the certificate, then each extension's value.
      const certificate = AsnConvert.parse(raw, Certificate);
      assert.ok(Buffer.from(AsnConvert.serialize(certificate)).equals(raw), 're-encoded certificate');
      assert.ok(Buffer.from(certificate.tbsCertificateRaw!).equals(Buffer.from(AsnConvert.serialize(certificate.tbsCertificate))), 're-encoded TBSCertificate');
      for (const ext of certificate.tbsCertificate.extensions ?? []) {
        const value = Buffer.from(ext.extnValue.buffer);
        const type = EXTENSION_TYPES[ext.extnID];
        assert.ok(type, `known extension ${ext.extnID}`);
        assert.ok(Buffer.from(AsnConvert.serialize(AsnConvert.parse(value, type))).equals(value), `re-encoded extension ${ext.extnID}`);
      }
    }

    it('is canonical: the library re-encodes every certificate kind to the same bytes', () => {
      assertCanonical(ca.certPem);
      assertCanonical(ca.issue(identitySpec(ecKey().publicKey)));
      assertCanonical(ca.issue(identitySpec(rsaKey().publicKey, { notAfter: new Date('2100-01-01T00:00:00Z') })));
      assertCanonical(ca.serverCertificate(undefined, ['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1', '2001:db8::1']).certPem);
    });

    it('reads as OpenSSL shows it (openssl x509 -text, asn1parse, verify)', function () {
      if (!HAS_OPENSSL) this.skip(); // the openssl command line is not on this machine
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-pki-'));
      try {
        const caFile = path.join(dir, 'ca.pem');
        fs.writeFileSync(caFile, ca.certPem);
        const server = ca.serverCertificate(undefined, ['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1']).certPem;
        const identity = ca.issue(identitySpec(ecKey().publicKey, { notAfter: new Date('2100-01-01T00:00:00Z') }));

        const caText = openssl(['x509', '-noout', '-text'], ca.certPem);
        assert.match(caText, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
        assert.match(caText, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
        const serverText = openssl(['x509', '-noout', '-text'], server);
        assert.match(serverText, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
        assert.match(serverText, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
        assert.match(serverText, /X509v3 Extended Key Usage:\s+TLS Web Server Authentication/);
        assert.match(serverText, /DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:7F00:1/);
        const identityText = openssl(['x509', '-noout', '-text'], identity);
        assert.match(identityText, /X509v3 Key Usage: critical\s+Digital Signature\n/);
        assert.match(identityText, /X509v3 Extended Key Usage:\s+TLS Web Client Authentication/);
        assert.match(identityText, /Subject: O = Arclight managed identity, OU = tenant-id, CN = principal-id/);

        const dump = openssl(['asn1parse'], identity);
        assert.match(dump, /UTCTIME/);
        assert.match(dump, /GENERALIZEDTIME\s+:21000101000000Z/);
        assert.match(dump, /BOOLEAN\s+:255/); // critical, written as DER's one TRUE octet

        for (const [pem, purpose] of [[server, 'sslserver'], [identity, 'sslclient']]) {
          const file = path.join(dir, `${purpose}.pem`);
          fs.writeFileSync(file, pem);
          assert.match(openssl(['verify', '-x509_strict', '-CAfile', caFile, '-purpose', purpose, file]), /: OK/);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
