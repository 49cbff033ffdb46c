/**
 * Runs work for one key at a time within this process, in arrival order. The store's conditional
 * updates guard against other processes on MongoDB; this guards within the process, including on
 * FerretDB, whose SQLite backend does not make a conditional update atomic.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
