import { describe, expect, it } from 'vitest';

import { useDialog } from './dialog';

describe('useDialog', () => {
  it('gives every opening its own key, even of the same thing', () => {
    const dialog = useDialog<string>();
    dialog.open('booking A');
    const first = dialog.key;
    dialog.shut();
    dialog.open('booking A');
    expect(dialog.about).toBe('booking A');
    expect(dialog.key).not.toBe(first);
  });

  it('is shut until opened and after shutting', () => {
    const dialog = useDialog<number>();
    expect(dialog.about).toBeNull();
    dialog.open(3);
    dialog.shut();
    expect(dialog.about).toBeNull();
  });
});
