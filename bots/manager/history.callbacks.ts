import type { TaskSubject } from '../../src/domain/task';

/**
 * `h:` opens the newest page of a client's history as a new message, `hp:` redraws a page in
 * place (0 is the newest), `tc:` lists the client's tasks. The data names the record; the
 * handler re-checks that the presser may act on it.
 */
export const historyCallbacks = {
  open: (subject: TaskSubject) => `h:${subject.kind}:${subject.id}`,
  page: (subject: TaskSubject, page: number) => `hp:${subject.kind}:${subject.id}:${page}`,
  tasks: (subject: TaskSubject) => `tc:${subject.kind}:${subject.id}`,
};
