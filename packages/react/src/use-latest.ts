import { useLayoutEffect, useRef, type RefObject } from 'react';

// useLayoutEffect warns during server rendering; nothing needs it there.
const useIsoLayoutEffect = typeof window === 'undefined' ? () => {} : useLayoutEffect;

/** A ref that always holds the latest value, so callbacks fired later see the latest props. */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useIsoLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
