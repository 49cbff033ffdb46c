import type { Text } from '../domain/process/definition';
import { LOCALES, type Translator } from './i18n';

/**
 * The title of the task a repeated site request (a form, a call) adds to a client's open record,
 * in every language, since each person reads it in their own.
 */
export class IntakeTexts {
  constructor(private readonly translator: Translator) {}

  /** Site leads' `repeatTitle`: bound. */
  readonly repeatTitle = (kind: 'form' | 'call', comment: string): Text =>
    Object.fromEntries(
      LOCALES.map((lng) => [
        lng,
        this.translator.forLocale(lng)(`intake.repeat_${kind}`, {
          comment: comment ? `: ${comment}` : '',
        }),
      ]),
    ) as Text;
}
