import type { DeliveryFailure, OutboxItem } from '../../domain/outbox';
import type { Notifier } from '../process/notices';

/** What a receipt needs of a message: who wrote it and where their "sending…" line is. */
export type ReceiptHolder = Pick<OutboxItem, 'authorUserId' | 'receipt'>;

/**
 * The bot's "sending…" line under a manager's reply becomes "delivered" or "not delivered".
 * Robots' messages and replies without a line have nobody to tell.
 */
export class DeliveryReceipts {
  constructor(private readonly notifier: Notifier) {}

  async sent(item: ReceiptHolder): Promise<void> {
    await this.tell(item, 'sent');
  }

  async failed(item: ReceiptHolder, reason: DeliveryFailure): Promise<void> {
    await this.tell(item, 'failed', reason);
  }

  private async tell(
    item: ReceiptHolder,
    state: 'sent' | 'failed',
    reason?: DeliveryFailure,
  ): Promise<void> {
    if (!item.authorUserId || !item.receipt) return;
    await this.notifier.notifyUser(item.authorUserId, {
      kind: 'delivery_state',
      receipt: item.receipt,
      state,
      ...(reason ? { reason } : {}),
    });
  }
}
