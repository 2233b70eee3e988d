/**
 * Starting the HTTPS listener, with the operating system's refusals (port taken, port that
 * needs privileges, address not on this machine) as one line that says what to do.
 */
import type { Server } from 'https';
import { osReason, StartupError } from '../core/startupError';

function listenError(err: NodeJS.ErrnoException, host: string, port: number): StartupError {
  const code = err.code ?? 'EIO';
  const where = `port ${port} on ${host}`;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(code, `${where} is already in use; stop what listens there, or choose another --port (0 picks a free one)`);
    case 'EACCES':
      return new StartupError(code, `${where} needs privileges this user lacks; choose a --port from 1024 up (0 picks a free one)`);
    case 'EADDRNOTAVAIL':
      return new StartupError(code, `--host ${host} is not an address of this machine; give one of its addresses, or 0.0.0.0 for every interface`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(code, `--host ${host} does not resolve (${osReason(err)}); give an address or a host name this machine resolves`);
    default:
      return new StartupError(code, `cannot listen on ${where} (${osReason(err)})`);
  }
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(listenError(err, host, port));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
