/** What every route handler gets from the app: its dependencies and, under /v1, the caller. */
import type { Caller } from '../auth.ts';
import type { Database } from '../db/database.ts';

export interface AppDeps {
  db: Database;
  now: () => Date;
}

export interface AppEnv {
  Variables: {
    /** Under /v1: the bearer API key, and who holds it (not set on POST /v1/reveals, see there). */
    apiKey: string;
    caller: Caller;
    deps: AppDeps;
  };
}
