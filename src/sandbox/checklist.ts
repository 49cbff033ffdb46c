import { STEPS, type StepId } from '../../widget/sandbox/protocol';
import type { Models } from '../store/models';
import { HEADS_GROUP } from './demo-people';
import type { ChatLog } from './stand-ins/chat-log';

/**
 * The guided first run, ticked by what really happened in the hub's data since the sandbox
 * started, in order: a step counts once the steps before it have. Read from the database, not from
 * the page, so a step done in any chat (the widget included) counts.
 */
export class Checklist {
  private done: StepId[] = [];
  /** One look at a time: two at once would both tick the same step. */
  private looking: Promise<boolean> | undefined;

  constructor(private readonly deps: { models: Models; log: ChatLog; since: Date }) {}

  current(): StepId[] {
    return [...this.done];
  }

  /** Looks again (or joins the look under way); true when a step was ticked. */
  refresh(): Promise<boolean> {
    this.looking ??= this.look().finally(() => (this.looking = undefined));
    return this.looking;
  }

  private async look(): Promise<boolean> {
    const before = this.done.length;
    for (const step of STEPS.slice(this.done.length)) {
      if (!(await this.happened(step))) break;
      this.done.push(step);
    }
    return this.done.length > before;
  }

  private async happened(step: StepId): Promise<boolean> {
    const { Message, Task, Deal } = this.deps.models;
    const since = this.deps.since;
    const after = { $gte: since };
    switch (step) {
      case 'write':
        return !!(await Message.exists({ direction: 'inbound', createdAt: after }));
      case 'dispatch':
        return !!(await Task.exists({
          'chain.stepId': 'choose_manager',
          status: 'done',
          completedAt: after,
        }));
      case 'reply':
        return !!(await Message.exists({ direction: 'outbound', createdAt: after }));
      case 'complete':
        return !!(await Task.exists({
          status: 'done',
          completedAt: after,
          'chain.stepId': { $nin: ['choose_manager', 'hand_off'] },
        }));
      case 'handOff':
        return !!(await Deal.exists({ createdAt: after }));
      case 'problem':
        return !!(await Task.exists({ problem: true, createdAt: after }));
      case 'alert': {
        const problem = await Task.findOne({ problem: true, createdAt: after })
          .sort({ _id: 1 })
          .lean();
        if (!problem) return false;
        // ObjectIds carry their second; the alert follows the red task it announces.
        const raised = problem._id.getTimestamp().getTime();
        return this.deps.log
          .history('manager', String(HEADS_GROUP.id))
          .some((message) => message.from === 'bot' && message.at >= raised);
      }
    }
  }
}
