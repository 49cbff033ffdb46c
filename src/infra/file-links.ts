import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links to files the hub keeps, signed so they can be handed to Viber, VK or a browser without
 * a login and cannot be guessed or altered to reach another file.
 */
export class FileLinks {
  constructor(
    private readonly secret: string,
    private readonly baseUrl: () => string,
  ) {}

  url(fileId: string, name: string): string {
    return `${this.baseUrl()}/files/${fileId}/${encodeURIComponent(name)}?sig=${this.sign(fileId)}`;
  }

  verify(fileId: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(fileId));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(fileId: string): string {
    return createHmac('sha256', this.secret).update(`file:${fileId}`).digest('base64url');
  }
}
