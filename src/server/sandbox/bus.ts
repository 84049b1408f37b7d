import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { subscriberFor } from '../plugins/redis.ts';
import type { LogLine } from './types.ts';

export type SandboxEvent = { type: 'deployed'; workspaceId: string; instance: string } | { type: 'reset'; workspaceId: string; instance: string } | { type: 'log'; line: LogLine };

/**
 * What one instance must tell the others: code was deployed (drop the loaded copy), a database was
 * reset (forget its tables), a log line was written (for every instance's SSE listeners). Redis pub/sub when configured; in-process
 * otherwise. Pub/sub is fire-and-forget: an instance that misses a deploy still serves the new
 * code, because it compares the code's version before each request (see plugins/sandbox.ts).
 */
export class SandboxBus {
  private readonly handlers = new Set<(event: SandboxEvent) => void>();
  private subscriber?: Redis;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly publisher: Redis | undefined,
    private readonly channel: string,
    log: FastifyBaseLogger,
  ) {
    if (!publisher) return;
    const subscriber = (this.subscriber = subscriberFor(publisher));
    // Missing the subscription means never hearing of a deploy while Redis is up: keep trying.
    const subscribe = () => {
      subscriber.subscribe(channel).catch((error: unknown) => {
        if (this.closed) return;
        log.warn({ err: error }, 'sandbox events: could not subscribe; trying again in 1 s');
        this.retry = setTimeout(subscribe, 1000);
        this.retry.unref();
      });
    };
    subscribe();
    subscriber.on('message', (_channel: string, text: string) => {
      try {
        this.deliver(JSON.parse(text) as SandboxEvent);
      } catch {
        // Not ours.
      }
    });
  }

  publish(event: SandboxEvent) {
    if (this.publisher?.status === 'ready') {
      this.publisher.publish(this.channel, JSON.stringify(event)).catch(() => this.deliver(event));
    } else {
      this.deliver(event);
    }
  }

  on(handler: (event: SandboxEvent) => void) {
    this.handlers.add(handler);
  }

  private deliver(event: SandboxEvent) {
    for (const handler of this.handlers) handler(event);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    this.subscriber?.disconnect();
  }
}
