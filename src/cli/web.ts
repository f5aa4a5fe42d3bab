// `layer4 web [--port N]`: serves the browser demo page on 127.0.0.1 and prints its URL. The page
// runs the layer4 stacks itself (bundled by scripts/build-web.mjs into <build>/web/); this server
// only hands out those static files, and only on the loopback address.

import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';

export const DEFAULT_WEB_PORT = 4004;
export const WEB_HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
};

/** Where the built page is: <build>/web, beside <build>/src/cli/web.js (dist/web under npm). */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/', import.meta.url));
}

/** `--port` text → a port number, or undefined when it is not an integer 0–65535 (0 = any free port). */
export function parseWebPort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n <= 65535 ? n : undefined;
}

export interface WebServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface WebServerOptions {
  port?: number;
  /** Directory holding index.html and app.js (default: defaultWebRoot()). */
  root?: string;
}

/**
 * Serves the files directly inside `root` (no subdirectories, only known types) on 127.0.0.1.
 * Rejects with a CliError when the page is not built or the port cannot be used.
 */
export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const root = opts.root ?? defaultWebRoot();
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    throw runtimeError(`the demo page is not built (no ${root}): run \`npm run build\``, 'WEB_NOT_BUILT');
  }
  if (!names.includes('index.html') || !names.includes('app.js')) {
    throw runtimeError(`the demo page is not built (${root} has no index.html/app.js): run \`npm run build\``, 'WEB_NOT_BUILT');
  }
  const served = new Set(names.filter((n) => TYPES[extname(n)] !== undefined));
  const server = createServer((req, res) => void handle(root, served, req, res));
  const port = opts.port ?? DEFAULT_WEB_PORT;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(runtimeError(`port ${port} on ${WEB_HOST} is in use (try --port 0 for a free one)`, 'EADDRINUSE'));
      else if (e.code === 'EACCES') reject(runtimeError(`not allowed to listen on port ${port} (try a port above 1023)`, 'EACCES'));
      else reject(runtimeError(`cannot listen on ${WEB_HOST}:${port}: ${e.message}`, e.code ?? 'LISTEN_FAILED'));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, WEB_HOST);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${WEB_HOST}:${actual}/`,
    port: actual,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(root: string, served: ReadonlySet<string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    send(400, 'bad request\n');
    return;
  }
  const name = path === '/' ? 'index.html' : path.slice(1);
  // Only a plain file name from the listing: no '/', no '..', nothing the build did not put there.
  if (name.includes('/') || name.includes('\\') || !served.has(name)) {
    send(404, 'not found\n');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(join(root, name));
  } catch {
    send(404, 'not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

interface WebOptions {
  port: string;
}

export function registerWeb(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .description('serve the browser demo page on 127.0.0.1 and print its URL (the stacks run in the page)')
    .option('--port <n>', 'TCP port on 127.0.0.1; 0 picks a free one', String(DEFAULT_WEB_PORT))
    .addHelpText('after', '\nExamples:\n  layer4 web\n  layer4 web --port 8080\n  layer4 web --port 0\n\nStop it with Ctrl-C.')
    .action(async (opts: WebOptions) => {
      const port = parseWebPort(opts.port);
      if (port === undefined) throw usageError(`--port must be an integer 0-65535, got ${JSON.stringify(opts.port)}`, 'BAD_PORT');
      const web = await startWebServer({ port });
      ctx.io.out(`layer4 web: serving the demo page at ${web.url}\n`);
      ctx.io.out('Open it in a browser; Ctrl-C stops the server.\n');
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void web.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
