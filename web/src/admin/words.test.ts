import { describe, expect, it } from 'vitest';

import { matchesInWords } from './words';

describe('a person search in words', () => {
  it('says how many matched and where to choose', () => {
    expect(matchesInWords('sam', 1, false)).toBe('1 person matches: choose under Person.');
    expect(matchesInWords('tutor', 3, false)).toBe('3 people match: choose under Person.');
  });

  it('asks for more when there are more matches than shown, and says when none match', () => {
    expect(matchesInWords('a', 20, true)).toBe(
      'The first 20 matches: type more of the name or e-mail to narrow them.',
    );
    expect(matchesInWords('zed', 0, false)).toBe('No one matches ‘zed’.');
  });
});
