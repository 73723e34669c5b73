import { beforeEach, describe, expect, it } from 'vitest';
import { DB_NAME, DB_VERSION, createDatabase } from '../../../entrypoints/background/database.ts';
import { resetIndexedDB } from './harness.ts';

beforeEach(() => {
  resetIndexedDB();
});

describe('the database connection', () => {
  it('closes itself for a newer version (blocking), so the upgrade is not blocked, and reopens on next use', async () => {
    const open = createDatabase();
    await open();
    const upgraded = await new Promise<string>((resolve) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION + 1);
      request.onblocked = () => resolve('blocked');
      request.onsuccess = () => {
        request.result.close();
        resolve('upgraded');
      };
      request.onerror = () => resolve('error');
    });
    expect(upgraded).toBe('upgraded');
    // The closed handle is not handed out again: the next use opens anew (here a VersionError,
    // as this extension's version 1 is older than the database now).
    await expect(open()).rejects.toThrow();
  });
});
