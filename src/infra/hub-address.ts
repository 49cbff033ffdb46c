/**
 * Where the hub is reached: PUBLIC_URL when configured, else loopback on the port it listens on,
 * known only once the server listens. Links and webhook addresses read it when they are made.
 */
export class HubAddress {
  private port = 0;

  constructor(private readonly configured: string | undefined) {}

  listening(port: number): void {
    this.port = port;
  }

  /** A callback of the file links: bound. */
  readonly url = (): string => this.configured ?? `http://127.0.0.1:${this.port}`;
}
