// Helpers shared by the net and http tests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { sleep, stats } from '../src/index';

const KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'PipeServerWrap', 'Timeout', 'Immediate', 'GetAddrInfoReqWrap', 'TCPConnectWrap'];

/** Counts of the active (ref'd) resources the network layer could leak, and of greenlets not finished. */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  const greenlets = stats().started;
  if (greenlets > 0) counts.greenlets = greenlets;
  for (const kind of process.getActiveResourcesInfo()) if (KINDS.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** What is active now beyond `before` (kinds whose count grew). */
function extra(before: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [kind, n] of Object.entries(resources())) if (n > (before[kind] ?? 0)) grown[kind] = n - (before[kind] ?? 0);
  return grown;
}

/** Waits (up to 2 s) until no more resources are active than in `before`; returns the extra ones left ({} if none). */
export function settle(before: Record<string, number>): Record<string, number> {
  let left = extra(before);
  for (let i = 0; i < 200 && Object.keys(left).length > 0; i++) {
    sleep(10);
    left = extra(before);
  }
  return left;
}

/** The error `fn` throws (fails the test if it returns). */
/** Node's own error for the same failing operation (waiting for its callback), for comparison. */
export function nodeError(start: (callback: (error: NodeJS.ErrnoException) => void) => void): NodeJS.ErrnoException {
  let caught: NodeJS.ErrnoException | undefined;
  start((error) => (caught = error));
  for (let i = 0; i < 200 && caught === undefined; i++) sleep(5);
  if (caught === undefined) throw new Error('no error from Node');
  return caught;
}

export function thrown(fn: () => unknown): NodeJS.ErrnoException {
  try {
    fn();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('did not throw');
}

export interface Cert {
  key: Buffer;
  cert: Buffer;
}

let cert: Cert | undefined;
/** A self-signed certificate for localhost / 127.0.0.1, made with openssl. */
export function selfSigned(): Cert {
  if (cert) return cert;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyevent-tls-'));
  const key = path.join(dir, 'key.pem');
  const crt = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  cert = { key: fs.readFileSync(key), cert: fs.readFileSync(crt) };
  fs.rmSync(dir, { recursive: true, force: true });
  return cert;
}
