/** Talking to a running Arclight over real HTTPS, trusting only its CA. */
import { isIP } from 'net';
import * as tls from 'tls';
import request from 'supertest';
import { bearer } from './arclight';

type Method = 'get' | 'put' | 'patch' | 'post' | 'delete';

/** supertest against `url`, verifying the server certificate with `caPem` (and nothing else), with a bearer token. */
export function overHttps(url: string, caPem: string) {
  return (method: Method, path: string) => request(url)[method](path).ca(caPem).set('Authorization', bearer());
}

/** The certificate the server at `url` presents, verified against `caPem`. */
export function peerCertificate(url: string, caPem: string): Promise<tls.PeerCertificate> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), ca: caPem, ...(isIP(host) ? {} : { servername: host }) }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.once('error', reject);
  });
}
