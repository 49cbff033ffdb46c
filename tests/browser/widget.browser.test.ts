import { type Browser, type Page } from 'playwright-core';
import en from '../../locales/en/widget.json';
import ru from '../../locales/ru/widget.json';
import type { Hub } from '../../src/hub';
import { eventually, testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';
import { launchChromium } from '../support/browser';

/** Read in the page; the tests' own TypeScript has no DOM types. */
const STORED_TOKEN = `localStorage.getItem('linehub:demo:token')`;
const PAGE = '/widget/demo?lang=en&utm_source=newsletter&utm_campaign=spring';

/** Everything inside the widget's open shadow root is reachable by Playwright's CSS engine. */
const part = (name: string) => `[data-part="${name}"]`;
const bubbles = (direction: 'inbound' | 'outbound') =>
  `${part('message')}[data-direction="${direction}"]`;

describe('the site widget in a real browser', () => {
  let browser: Browser;
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    hub = await startTestHub(testDatabaseUri(), { WIDGET_PRECHAT_FIELDS: 'name,phone' });
    url = `http://127.0.0.1:${hub.port}`;
    // Staff to take the lead, none of them online: the widget shows its offline notice.
    await seedCompany(hub.database);
    await hub.database.models.User.updateMany({}, { $set: { online: false } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    // The browser goes first, so no visitor socket holds the hub's server open.
    await browser?.close();
    await hub?.database.connection.dropDatabase();
    await hub?.stop();
  });

  async function openChat(page: Page) {
    await page.click(part('launcher'));
    await page.waitForSelector(part('panel'), { state: 'visible' });
  }

  it('takes the pre-chat form, a message and a file, keeps them over a reload, shows a reply', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${url}${PAGE}`);
    await openChat(page);
    expect(await page.textContent(part('greeting'))).toBe(en.greeting);
    await page.waitForSelector(part('offline'), { state: 'visible' });

    await page.fill('input[name="name"]', 'Анна Петрова');
    await page.fill('input[name="phone"]', '+7 916 123-45-67');
    await page.click(`${part('prechat')} button[type="submit"]`);
    await page.waitForSelector(part('composer'), { state: 'visible' });

    await page.fill(part('text'), 'Сколько стоит окно 120×140?');
    await page.press(part('text'), 'Enter');
    await page.waitForSelector(`${bubbles('inbound')} ${part('status')}:has-text("${en.sent}")`);

    await page.setInputFiles(part('file'), {
      name: 'plan.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 window plan'),
    });
    await page.waitForSelector(`${part('file')}[href*="/files/"]`);
    // The widget is answered once a message is in the inbox; ingest follows.
    await hub.messaging.inbox.drained();

    const { Message, Contact, Conversation, Lead } = hub.database.models;
    const stored = await Message.find({ channel: 'widget' }).sort({ sentAt: 1 }).lean();
    expect(stored.map((message) => message.text ?? message.attachments[0]?.name)).toEqual([
      'Сколько стоит окно 120×140?',
      'plan.pdf',
    ]);
    const [conversation] = await Conversation.find({ channel: 'widget' }).lean();
    const chatId = conversation!.chatId;
    const contact = await Contact.findById(conversation!.contactId).lean();
    expect(contact).toMatchObject({ name: 'Анна Петрова', phones: ['+79161234567'] });
    const [lead] = await Lead.find({ contactId: contact!._id }).lean();
    expect(lead?.utm).toEqual({ source: 'newsletter', campaign: 'spring' });
    const file = await fetch((await page.getAttribute(part('file'), 'href'))!);
    expect(await file.text()).toBe('%PDF-1.4 window plan');

    const token = await page.evaluate<string | null>(STORED_TOKEN);
    expect(token).toMatch(new RegExp(`^${chatId}\\.`));
    await page.reload();
    await openChat(page);
    await page.waitForSelector(`${bubbles('inbound')} >> text=Сколько стоит окно 120×140?`);
    await page.waitForSelector(`${bubbles('inbound')} ${part('file')}:has-text("plan.pdf")`);
    expect(await page.$(part('prechat'))).toBeNull();
    expect(await page.evaluate<string | null>(STORED_TOKEN)).toBe(token);

    const conversationId = await hub.messaging.conversationOf('widget', chatId);
    await hub.messaging.reply(conversationId!, { text: 'Здравствуйте, Анна! Около 12 000 ₽.' });
    await page.waitForSelector(
      `${bubbles('outbound')} >> text=Здравствуйте, Анна! Около 12 000 ₽.`,
    );
    // An answer means the visitor's messages were read.
    await eventually(async () =>
      (
        await page.$$eval(`${bubbles('inbound')} ${part('status')}`, (nodes) =>
          nodes.map((node) => node.textContent ?? ''),
        )
      ).every((status) => status.includes(en.read)),
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves the script with caching headers and in the language asked for', async () => {
    const response = await fetch(`${url}/widget.js?lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await response.text()).toContain(en.greeting);
  });

  it("speaks the site's language in the company's colour", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/widget/demo?lang=ru`);
    await openChat(page);
    expect(await page.textContent(part('greeting'))).toBe(ru.greeting);
    // The demo page's tag sets data-color="#0f766e".
    expect(
      await page.$eval(
        part('launcher'),
        (node) => node.ownerDocument.defaultView!.getComputedStyle(node).backgroundColor,
      ),
    ).toBe('rgb(15, 118, 110)');
    await page.close();
  });
});
