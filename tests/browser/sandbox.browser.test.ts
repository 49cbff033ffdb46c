import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import bot from '../../locales/ru/bot.json';
import moves from '../../locales/ru/moves.json';
import texts from '../../locales/ru/sandbox.json';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { silentLogger, testDatabaseUri } from '../support/database';
import { launchChromium } from '../support/browser';

const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'sandbox.png');

/**
 * The guided first run on the sandbox page, by clicking and typing only, as a newcomer would:
 * each step is checked by what the people concerned see in their chats, and the checklist ticks.
 */
describe('the sandbox page in a real browser', () => {
  let browser: Browser;
  let sandbox: Sandbox;
  let page: Page;

  beforeAll(async () => {
    sandbox = await startSandbox({
      env: { PORT: '0', MONGODB_URI: testDatabaseUri(), DEFAULT_LOCALE: 'ru' },
      logger: silentLogger,
      hubOptions: { schedulerProcessEveryMs: 100 },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.hub().database.connection.dropDatabase();
    await sandbox?.stop();
  });

  const panel = (name: 'staff' | 'group' | 'customers') => page.locator(`[data-panel="${name}"]`);
  const bubbles = (scope: Locator, text: string) =>
    scope.locator('[data-part="message"]', { hasText: text });
  const press = (scope: Locator, message: string, button: string) =>
    bubbles(scope, message).last().locator('[data-part="button"]', { hasText: button }).click();
  const write = async (scope: Locator, text: string) => {
    await scope.locator('.chat:visible [data-part="input"]').fill(text);
    await scope.locator('.chat:visible [data-part="input"]').press('Enter');
  };
  const ticked = (step: string) =>
    page.locator(`[data-step="${step}"][data-done="true"]`).waitFor();
  const widget = () => page.frameLocator('[data-part="widget"]');
  const showWidget = () => panel('customers').locator('[data-tab="widget"]').click();
  const showTelegram = () => panel('customers').locator('[data-tab="telegram"]').click();
  const asPerson = (key: string) =>
    panel('staff').locator('[data-part="person"]').selectOption(key);

  it('walks the guided first run, each person seeing their part', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(sandbox.url);
    await page.locator('[data-step="write"][data-next="true"]').waitFor();

    // 1. A Telegram customer and a site visitor write; the dispatcher gets a task for each.
    await write(panel('customers'), 'Здравствуйте! Сколько стоит доставка?');
    await bubbles(panel('customers'), 'Сколько стоит доставка?').waitFor();
    await showWidget();
    await widget().locator('[data-part="launcher"]').click();
    await widget().locator('input[name="name"]').fill('Анна Петрова');
    await widget().locator('input[name="phone"]').fill('+7 916 123-45-67');
    await widget().locator('[data-part="prechat"] button[type="submit"]').click();
    await widget().locator('[data-part="text"]').fill('Нужен диван, есть в наличии?');
    await widget().locator('[data-part="text"]').press('Enter');
    await ticked('write');
    await bubbles(panel('staff'), 'Сколько стоит доставка?').waitFor();
    await bubbles(panel('staff'), 'Нужен диван').waitFor();
    const dispatchTasks = bubbles(panel('staff'), '📋 Выбрать ответственного менеджера');
    // A task each, in whatever order the notices arrive.
    await dispatchTasks.nth(1).waitFor();
    await expect(dispatchTasks.count()).resolves.toBe(2);

    // 2. The dispatcher gives both leads to Семён with two taps each.
    for (const index of [0, 1]) {
      await dispatchTasks
        .nth(index)
        .locator('[data-part="button"]', { hasText: bot.buttons.done })
        .click();
      await press(panel('staff'), bot.task.chooseManager, 'Семён');
      // The question turns into the answer, in place.
      await bubbles(
        panel('staff'),
        bot.task.completed.replace('{{title}}', 'Выбрать ответственного'),
      )
        .nth(index)
        .waitFor();
    }
    await ticked('dispatch');
    await asPerson('seller');
    await bubbles(panel('staff'), '📋 Связаться с клиентом').nth(1).waitFor();
    await expect(bubbles(panel('staff'), '📋 Связаться с клиентом').count()).resolves.toBe(2);

    // 3. Each customer writes again, now to Семён, who replies from his chat.
    await showTelegram();
    await write(panel('customers'), 'Вы тут?');
    await bubbles(panel('staff'), 'Вы тут?').waitFor();
    await press(panel('staff'), 'Вы тут?', bot.buttons.reply);
    // The bot asks for the answer as a reply: the page starts the reply by itself.
    await panel('staff').locator('[data-part="replying"]:visible').waitFor();
    await write(panel('staff'), 'Добрый день, Иван! Доставка бесплатная.');
    await bubbles(panel('staff'), bot.client.sent).waitFor();
    await bubbles(panel('customers'), 'Доставка бесплатная.').waitFor();
    expect(
      await bubbles(panel('customers'), 'Доставка бесплатная.').getAttribute('data-from'),
    ).toBe('bot');
    await ticked('reply');

    await showWidget();
    await widget().locator('[data-part="text"]').fill('Жду ответа');
    await widget().locator('[data-part="text"]').press('Enter');
    await bubbles(panel('staff'), 'Жду ответа').waitFor();
    await press(panel('staff'), 'Жду ответа', bot.buttons.reply);
    await panel('staff').locator('[data-part="replying"]:visible').waitFor();
    await write(panel('staff'), 'Анна, диван есть, привезём завтра.');
    await widget()
      .locator('[data-part="message"][data-direction="outbound"]', {
        hasText: 'привезём завтра',
      })
      .waitFor();

    // A file from the visitor reaches Семён as a document he can open.
    await widget()
      .locator('input[data-part="file"]')
      .setInputFiles({
        name: 'plan.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 sofa plan'),
      });
    const document = panel('staff').locator('[data-part="message"] a.file', {
      hasText: 'plan.pdf',
    });
    await document.waitFor();
    const href = await document.getAttribute('href');
    expect(await (await fetch(new URL(href!, sandbox.url))).text()).toBe('%PDF-1.4 sofa plan');

    // 4. Семён completes a task; the next one of the chain arrives by itself.
    await press(panel('staff'), '📋 Связаться с клиентом', bot.buttons.done);
    await bubbles(panel('staff'), '📋 Выявить потребность').waitFor();
    await ticked('complete');

    // 5. The hand-off from his task list: the deal goes to operations.
    await panel('staff').locator('[data-part="menu"]').click();
    await panel('staff').locator('[data-part="commands"] button', { hasText: '/tasks' }).click();
    await press(panel('staff'), 'Открытые задачи', 'Передать в дело');
    await press(panel('staff'), '📋 Передать в делопроизводство', bot.buttons.done);
    // Deal types are ticked, then confirmed.
    const chooseDeals = moves.handOff.choose.split('?')[0]!;
    await press(panel('staff'), chooseDeals, 'Стандартный заказ');
    await bubbles(panel('staff'), chooseDeals)
      .last()
      .locator('[data-part="button"]', { hasText: '✅ Стандартный заказ' })
      .waitFor();
    await press(panel('staff'), chooseDeals, moves.handOff.done);
    await ticked('handOff');
    await asPerson('operator');
    await bubbles(panel('staff'), '📋 Подготовить договор').waitFor();

    // 6. Operations raises a problem, answering the bot's question.
    await press(panel('staff'), '📋 Подготовить договор', bot.buttons.problem);
    await panel('staff').locator('[data-part="replying"]:visible').waitFor();
    await write(panel('staff'), 'Клиент хочет отменить заказ');
    await bubbles(panel('staff'), bot.task.problemRaised).waitFor();
    await ticked('problem');

    // 7. The heads' group sees the red alert, with a button to take it.
    const alert = bubbles(panel('group'), 'Причина: Клиент хочет отменить заказ');
    await alert.waitFor();
    await expect(
      alert.locator('[data-part="button"]', { hasText: bot.buttons.take }).count(),
    ).resolves.toBe(1);
    await ticked('alert');
    await expect(page.locator('[data-step][data-done="true"]').count()).resolves.toBe(7);
    await expect(page.locator('h1').textContent()).resolves.toBe(texts.title);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await showTelegram();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT });

    // VK and Viber customers write through the hub's signed webhooks; the answer goes back out
    // through each one's send API.
    await asPerson('dispatcher');
    for (const [tab, text, answer] of [
      ['vk', 'Привет из ВКонтакте', 'Ответ во ВКонтакте'],
      ['viber', 'Привет из Viber', 'Ответ в Viber'],
    ] as const) {
      await panel('customers').locator(`[data-tab="${tab}"]`).click();
      await write(panel('customers'), text);
      await press(panel('staff'), text, bot.buttons.reply);
      await panel('staff').locator('[data-part="replying"]:visible').waitFor();
      await write(panel('staff'), answer);
      await bubbles(panel('customers'), answer).waitFor();
    }

    // Start over: the demo data again, clean chats, an unticked checklist.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-part="reset"]').click();
    await page.locator('[data-step="write"][data-next="true"]').waitFor({ timeout: 45_000 });
    await expect(page.locator('[data-step][data-done="true"]').count()).resolves.toBe(0);
    await panel('staff').locator('.empty').waitFor();
    const { Deal, Lead } = sandbox.hub().database.models;
    await expect(Deal.countDocuments()).resolves.toBe(1);
    await expect(Lead.countDocuments()).resolves.toBe(4);
    expect(problems).toEqual([]);
  });
});
