import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './shell.js';

/** ECDSA P-256 everywhere, as Linkerd's trust anchor and issuer; short-lived, the lab lives for minutes. */
const DAYS = '2';

/** Every file holding a private key is 0600: readable by its owner only. */
const PRIVATE = 0o600;

function key(path: string): void {
  writeFileSync(path, '', { mode: PRIVATE });
  sh('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path]);
  chmodSync(path, PRIVATE);
}

function sign(dir: string, name: string, subject: string, extensions: string, issuer: { cert: string; key: string }): void {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  sh('openssl', ['req', '-new', '-key', join(dir, `${name}.key`), '-subj', subject, '-out', join(dir, `${name}.csr`)]);
  sh('openssl', [
    'x509',
    '-req',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    issuer.cert,
    '-CAkey',
    issuer.key,
    '-CAcreateserial',
    '-days',
    DAYS,
    '-sha256',
    '-extfile',
    ext,
    '-out',
    join(dir, `${name}.crt`),
  ]);
}

export interface Authority {
  dir: string;
  rootCert: string;
  issuerCert: string;
  issuerKey: string;
}

/** A root (trust anchor) and an intermediate issuer under it, as Dapr Sentry and Linkerd identity both expect. */
export function createAuthority(dir: string, rootName: string): Authority {
  mkdirSync(dir, { recursive: true });
  const rootKey = join(dir, 'ca.key');
  const rootCert = join(dir, 'ca.crt');
  key(rootKey);
  sh('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    rootKey,
    '-sha256',
    '-days',
    DAYS,
    '-subj',
    `/CN=${rootName}`,
    '-out',
    rootCert,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  key(join(dir, 'issuer.key'));
  sign(dir, 'issuer', `/CN=issuer.${rootName}`, 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n', { cert: rootCert, key: rootKey });
  return { dir, rootCert, issuerCert: join(dir, 'issuer.crt'), issuerKey: join(dir, 'issuer.key') };
}

/**
 * A workload certificate for mTLS, both server and client: the identity is the subject CN (what
 * HAProxy 2.6 can read) and, Linkerd-style, the DNS SAN. Returns a PEM with key, leaf and issuer.
 */
export function createWorkloadCert(authority: Authority, name: string, commonName: string, identity: string): string {
  const { dir } = authority;
  key(join(dir, `${name}.key`));
  sign(dir, name, `/CN=${commonName}`, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:${identity}\n`, {
    cert: authority.issuerCert,
    key: authority.issuerKey,
  });
  const pem = join(dir, `${name}.pem`);
  writeFileSync(pem, [`${name}.crt`, 'issuer.crt', `${name}.key`].map((f) => readFileSync(join(dir, f), 'utf8')).join(''), { mode: PRIVATE });
  return pem;
}
