import { EventEmitter } from 'node:events';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { installCrashGuard } from '../../src/infra/crash-guard';

/** What main.ts installs on `process`, on an emitter the test drives. */
function guarded() {
  const target = new EventEmitter();
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const counter = new Counter({ name: 'rejections', help: 'test', registers: [new Registry()] });
  const exits: number[] = [];
  installCrashGuard({ target, logger, counter, exit: (code) => exits.push(code) });
  return { target, lines, counter, exits };
}

describe('crash guard', () => {
  it('logs and counts an unhandled rejection, and the process keeps running', async () => {
    const { target, lines, counter, exits } = guarded();
    target.emit('unhandledRejection', new Error('Request timed out after 10000 ms'));
    target.emit('unhandledRejection', 'a string reason');
    expect(exits).toEqual([]);
    expect((await counter.get()).values[0]?.value).toBe(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 50, msg: expect.stringMatching(/unhandled/) });
  });

  it('logs an uncaught exception and exits with 1', () => {
    const { target, lines, exits } = guarded();
    target.emit('uncaughtException', new Error('state may be broken'));
    expect(exits).toEqual([1]);
    expect(lines[0]).toMatchObject({ level: 60, msg: expect.stringMatching(/uncaught/) });
  });
});
