import { shallowReactive } from 'vue';

/**
 * What a page's dialog is about, or null when it is shut, and a key that is new on every
 * opening: rendered with `:key`, each opening is a fresh AppDialog, so a late close event
 * from the one before cannot shut it.
 */
export interface DialogState<T> {
  readonly about: T | null;
  readonly key: number;
  open(about: T): void;
  shut(): void;
}

export function useDialog<T>(): DialogState<T> {
  const state = shallowReactive({
    about: null as T | null,
    key: 0,
    open(about: T): void {
      state.key += 1;
      state.about = about;
    },
    shut(): void {
      state.about = null;
    },
  });
  return state;
}
