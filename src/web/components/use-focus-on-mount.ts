/** @module Moves keyboard focus to an element when it appears, so screen readers follow the page. */
import { useEffect, type RefObject } from 'react';

/** Focuses `ref` once after mount (and again whenever `key` changes). */
export function useFocusOnMount(ref: RefObject<HTMLElement | null>, key?: unknown): void {
  useEffect(() => {
    ref.current?.focus();
  }, [ref, key]);
}
