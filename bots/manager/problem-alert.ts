import type { TFunction } from 'i18next';
import type { Alert } from '../../src/app/process/notices';
import type { RecordLabel } from '../../src/app/process/record-labels';
import { clientName, labelName, type Naming } from './record-label';
import { problemAlertKeyboard } from './render';

type ProblemAlert = Extract<Alert, { kind: 'problem' }>;

/** What the heads' alert names besides the notice itself, read when it is delivered. */
export interface AlertContext {
  label?: RecordLabel;
  /** The name of whoever raised the problem; absent when the system did. */
  raisedBy?: string;
  naming: Naming;
}

/**
 * The heads' red alert: which client and record (with the deal type), whose it is in sales,
 * who raised it and why, so a head can decide from the message alone; Card, Take, Reassign.
 */
export function problemAlert(
  alert: ProblemAlert,
  context: AlertContext | undefined,
  t: TFunction,
  lng: 'ru' | 'en',
) {
  const keyboard = problemAlertKeyboard(alert.taskId, alert.subject, t);
  const label = context?.label;
  if (!context || !label) {
    const key = alert.subject.kind === 'lead' ? 'alert_problem_lead' : 'alert_problem';
    return { text: t(`bot:notices.${key}`, { reason: alert.reason }), keyboard };
  }
  const lines = [
    t('cards:alert.title', { record: labelName(context.naming, label, t, lng) }),
    t('cards:alert.client', { client: clientName(label, t) }),
    label.salesName ? t('cards:alert.sales', { name: label.salesName }) : t('cards:alert.noSales'),
    context.raisedBy
      ? t('cards:alert.raisedBy', { name: context.raisedBy })
      : t('cards:alert.raisedBySystem'),
    t('cards:alert.reason', { reason: alert.reason }),
  ];
  return { text: lines.join('\n'), keyboard };
}
