import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, Agent, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from '@cgp/jobs/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface PlatformProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** What it wrote, for a failure message. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A production entry point (`api/src/main.ts`, `jobs/src/main.ts`) as a process of its own. */
export function startProcess(entry: string, env: Record<string, string>): PlatformProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, DEMO: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export interface ApiInstance extends PlatformProcess {
  port: number;
}

/** An API process on a free port; resolves once its `/readyz` answers 200. */
export async function startApiInstance(env: Record<string, string>): Promise<ApiInstance> {
  const port = await freePort();
  const api = { ...startProcess('api/src/main.ts', { ...env, PORT: String(port) }), port };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return api;
    if (api.child.exitCode !== null || Date.now() > deadline) {
      await api.kill('SIGKILL');
      throw new Error(`API process on ${port} did not become ready:\n${api.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RoundRobin {
  url: string;
  /** How many requests each backend port was sent. */
  sent: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A load balancer in miniature: each request goes to the next backend in turn, body and answer
 * streamed through, as nginx or haproxy would do it. Server-sent event streams pass through too.
 */
export async function startRoundRobin(ports: number[]): Promise<RoundRobin> {
  // A connection per request upstream: a kept-alive one can be closed by the API just as a request
  // is sent on it, and a balancer may not resend a POST (nginx does not), so a test would see a 502.
  const agent = new Agent({ keepAlive: false, maxSockets: 64 });
  const sent = new Map<number, number>();
  let next = 0;
  const server: Server = createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    sent.set(port, (sent.get(port) ?? 0) + 1);
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `bad gateway: ${error.message}` } }));
      } else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  // As the API itself does: a burst of a thousand connections queues instead of being refused.
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
  );
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
