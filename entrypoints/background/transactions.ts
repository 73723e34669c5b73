/** IndexedDB transactions that land whole or not at all. */

/**
 * Runs `work` in `tx` and waits for the commit. On a failure the transaction is aborted, so
 * a half-done write never lands, and its `done` rejection is not left unhandled.
 */
export async function settle<T>(tx: { abort(): void; done: Promise<void> }, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already committed or aborted.
    }
    tx.done.catch(() => undefined);
    throw error;
  }
}
