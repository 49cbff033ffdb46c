/**
 * When each timer key was last re-armed or cancelled in this process, and with which arm token,
 * so a claim in flight at that moment can tell whether what it read is stale.
 */
export class RearmedKeys {
  private readonly byKey = new Map<string, { at: number; armedWith?: string }>();

  mark(key: string, armedWith?: string): void {
    this.byKey.set(key, { at: Date.now(), ...(armedWith ? { armedWith } : {}) });
  }

  /**
   * A claim locked at `lockedAt` of the arming `armedWith` read stale data: the key was armed
   * again (with another token) or cancelled no earlier than the lock. Marks older than a second
   * before this claim can matter to no later claim and are forgotten.
   */
  isStale(key: string | undefined, armedWith: string | undefined, lockedAt: Date): boolean {
    for (const [k, { at }] of this.byKey) {
      if (at < lockedAt.getTime() - 1000) this.byKey.delete(k);
    }
    const mark = key === undefined ? undefined : this.byKey.get(key);
    return (
      mark !== undefined &&
      mark.at >= lockedAt.getTime() &&
      (!mark.armedWith || mark.armedWith !== armedWith)
    );
  }
}
