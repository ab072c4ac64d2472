import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Sits between the payment sandbox and the API's `POST /webhooks/stripe` and passes webhooks on
 * untouched (same bytes, same signature). While held, deliveries wait, as when Stripe is slow to
 * call back: the page the resident returns to must then say it is still confirming.
 */
export interface WebhookGate {
  /** The endpoint to register with the sandbox. */
  url: string;
  hold(): void;
  /** Lets held deliveries and all later ones through. */
  release(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startWebhookGate(target: string): Promise<WebhookGate> {
  let held = false;
  const waiting = new Set<() => void>();

  async function forward(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    // The sandbox gives up on an attempt after its timeout and retries; that attempt is gone.
    if (res.destroyed) return;
    try {
      const answer = await fetch(target, {
        method: 'POST',
        headers: {
          'Content-Type': req.headers['content-type'] ?? 'application/json',
          'Stripe-Signature': String(req.headers['stripe-signature'] ?? ''),
        },
        body,
      });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  }

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (!held) return forward(req, body, res);
      const send = () => void forward(req, body, res);
      waiting.add(send);
      res.on('close', () => waiting.delete(send));
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of [...waiting]) send();
      waiting.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
