// `layer4 web`: a child process that prints a 127.0.0.1 URL and serves the built demo page there
// (static files only, nothing outside the page directory), and usage errors for bad --port values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWebPort, startWebServer } from '../src/cli/web.js';

const MAIN = new URL('../src/cli/main.js', import.meta.url).href;
const SCRIPT = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1)))`;

function layer4Sync(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, '--', ...args], { encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `layer4 web ARGS` and resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; firstLine: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, '--', 'web', ...args]);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout=${out} stderr=${err}`)), 20000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, firstLine: out.split('\n')[0] ?? '' });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before printing a URL; stderr=${err}`));
    });
  });
}

interface Reply {
  status: number;
  type: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request (no URL normalisation, so '..' reaches the server as written). */
function get(url: string, path: string, method = 'GET'): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

test('layer4 web --port 0 prints a 127.0.0.1 URL and serves the page; SIGTERM stops it with exit 0', async () => {
  const { child, url, firstLine } = await startCli(['--port', '0']);
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(new URL(url).port, '0');
    assert.match(firstLine, /demo page/);
    const index = await get(url, '/');
    assert.equal(index.status, 200);
    assert.match(index.type, /^text\/html/);
    assert.match(index.body, /<script type="module" src="app\.js"><\/script>/);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    const app = await get(url, '/app.js');
    assert.equal(app.status, 200);
    assert.match(app.type, /^text\/javascript/);
    assert.ok(app.body.length > 10_000, 'the bundle carries the stack');
    assert.doesNotMatch(app.body, /from\s*["']node:/, 'no node: imports in the page');
    assert.equal((await get(url, '/style.css')).status, 200);
    assert.match((await get(url, '/favicon.svg')).type, /^image\/svg\+xml/);
    const head = await get(url, '/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited(child), 0);
});

test('layer4 web: only the page files, GET and HEAD only', async () => {
  const web = await startWebServer({ port: 0 });
  try {
    assert.equal(web.url, `http://127.0.0.1:${web.port}/`);
    for (const path of ['/nope.html', '/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/src/cli/web.js', '//etc/passwd', '/%zz']) {
      const r = await get(web.url, path);
      assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
      assert.doesNotMatch(r.body, /"name"\s*:\s*"layer4"|root:/);
    }
    const post = await get(web.url, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers['allow'], 'GET, HEAD');
  } finally {
    await web.close();
  }
});

test('layer4 web: a directory without the built page is a runtime error naming the fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'layer4-web-'));
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    await assert.rejects(startWebServer({ port: 0, root: dir }), (e: Error & { exitCode?: number }) => e.exitCode === 1 && /npm run build/.test(e.message));
    await assert.rejects(startWebServer({ port: 0, root: join(dir, 'missing') }), /not built/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('layer4 web: bad --port values exit 2 with one line and no stack trace', () => {
  for (const bad of ['abc', '-1', '65536', '1.5', '0x50']) {
    const r = layer4Sync(['web', '--port', bad]);
    assert.equal(r.code, 2, `--port ${JSON.stringify(bad)}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /^layer4: .*--port/);
    assert.equal(r.stdout, '');
  }
  assert.equal(parseWebPort('4004'), 4004);
  assert.equal(parseWebPort('0'), 0);
  assert.equal(parseWebPort('65535'), 65535);
  assert.equal(parseWebPort('65536'), undefined);
});

test('layer4 web: a port in use is a runtime error (exit 1)', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = layer4Sync(['web', '--port', String(port)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^layer4: port \d+ on 127\.0\.0\.1 is in use/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  } finally {
    blocker.close();
  }
});
