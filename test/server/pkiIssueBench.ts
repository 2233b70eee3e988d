/**
 * Micro-benchmark of the CA's issuing cost: 1,000 managed-identity certificates (P-256 subject
 * keys, the shape server/agents/identityCertificates.ts issues), timed after a warm-up.
 * Key generation is done beforehand and not timed: only `CertificateAuthority.issue` is. CPU
 * time is printed beside wall time: on a shared machine it is the steadier of the two.
 *
 *   npm run build && node dist/test/server/pkiIssueBench.js [count] [rounds]
 */
import { generateKeyPairSync } from 'crypto';
import { CertificateAuthority } from '../../server/pki/certificateAuthority';
import { EXTENDED_KEY_USAGE, KeyUsage } from '../../server/pki/x509';

const DAY_MS = 24 * 3600 * 1000;

function main(): void {
  const count = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 5);
  const ca = CertificateAuthority.loadOrCreate(undefined);
  const keys = Array.from({ length: count }, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
  const issueAll = () => {
    const now = Date.now();
    for (const [i, subjectKey] of keys.entries()) {
      ca.issue({
        subject: { commonName: `principal-${i}`, organizationalUnit: 'tenant', organization: 'Arclight managed identity' },
        subjectKey,
        notBefore: new Date(now),
        notAfter: new Date(now + 90 * DAY_MS),
        keyUsage: [KeyUsage.digitalSignature],
        extendedKeyUsage: [EXTENDED_KEY_USAGE.clientAuth],
      });
    }
  };
  issueAll(); // warm-up: JIT and lazily loaded modules
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    issueAll();
    const used = process.cpuUsage(startCpu);
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
  const line = (what: string, ms: number[]) => `${what} median ${median(ms).toFixed(0)} ms (${(median(ms) * 1000 / count).toFixed(0)} µs each; rounds ${ms.map((t) => t.toFixed(0)).join(', ')})`;
  console.log(`${count} identity certificates: ${line('wall', wall)}; ${line('CPU', cpu)}`);
}

main();
