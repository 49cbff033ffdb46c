import type { Hub } from '../../src/hub';
import type { FakeUser } from '../support/fake-telegram';
import { useManagerBotWorld, world } from '../support/manager-bot-world';

let hub: Hub;
let stranger: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, stranger } = world);
});

describe('who may talk to the manager bot', () => {
  it('refuses a stranger politely and shows no data', async () => {
    await stranger.command('/start');
    await stranger.command('/tasks');
    expect(stranger.texts()).toEqual([
      expect.stringMatching(/только для сотрудников/),
      expect.stringMatching(/только для сотрудников/),
    ]);
  });

  it('refuses a webhook call without the right secret token and handles nothing', async () => {
    const usersBefore = await hub.database.models.User.countDocuments();
    for (const secret of [undefined, 'guess']) {
      const response = await fetch(`http://127.0.0.1:${hub.port}/webhooks/telegram/manager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        body: JSON.stringify({
          update_id: 999,
          message: {
            message_id: 1,
            date: 0,
            chat: { id: 1001, type: 'private' },
            from: { id: 1001, is_bot: false, first_name: 'Анна' },
            text: '/invite admin sales',
            entities: [{ offset: 0, length: 7, type: 'bot_command' }],
          },
        }),
      });
      expect(response.status).toBe(401);
    }
    expect(await hub.database.models.Invite.countDocuments({ role: 'admin' })).toBe(0);
    expect(await hub.database.models.User.countDocuments()).toBe(usersBefore);
  });
});
