/**
 * Reads a zustand vanilla store from a Preact component (no React compatibility layer).
 * Re-renders only when the selected slice changes (`Object.is`).
 */
import { useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { StoreApi } from 'zustand/vanilla';

const identity = <T>(value: T): T => value;

export function useStore<S>(store: StoreApi<S>): S;
export function useStore<S, U>(store: StoreApi<S>, selector: (state: S) => U): U;
export function useStore<S, U>(store: StoreApi<S>, selector: (state: S) => U = identity as (state: S) => U): U {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const selected = selector(store.getState());
  const latest = useRef({ selector, selected });
  latest.current = { selector, selected };

  useLayoutEffect(() => {
    const check = () => {
      const { selector: select, selected: shown } = latest.current;
      if (!Object.is(select(store.getState()), shown)) rerender(0);
    };
    // The store may have changed between the render and this subscription.
    check();
    return store.subscribe(check);
  }, [store]);

  return selected;
}
