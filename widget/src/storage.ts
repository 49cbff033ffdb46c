import type { Prechat } from '../../channels/widget/protocol';

/**
 * The visitor's token and contact details, in localStorage so history survives reloads and is
 * shared by every tab of the site. Private modes may refuse storage: the chat still works for
 * the life of the page.
 */
export interface VisitorStorage {
  token(): string | undefined;
  saveToken(token: string): void;
  /** Contact details from the pre-chat form, until a message carrying them was stored. */
  prechat(): Prechat | undefined;
  savePrechat(prechat: Prechat | undefined): void;
}

export function visitorStorage(siteKey: string): VisitorStorage {
  const memory = new Map<string, string>();
  const key = (name: string) => `linehub:${siteKey}:${name}`;
  const read = (name: string) => {
    try {
      return localStorage.getItem(key(name)) ?? undefined;
    } catch {
      return memory.get(name);
    }
  };
  const write = (name: string, value: string | undefined) => {
    try {
      if (value === undefined) localStorage.removeItem(key(name));
      else localStorage.setItem(key(name), value);
    } catch {
      if (value === undefined) memory.delete(name);
      else memory.set(name, value);
    }
  };
  return {
    token: () => read('token'),
    saveToken: (token) => write('token', token),
    prechat() {
      const raw = read('prechat');
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as Prechat;
      } catch {
        return undefined;
      }
    },
    savePrechat: (prechat) => write('prechat', prechat && JSON.stringify(prechat)),
  };
}
