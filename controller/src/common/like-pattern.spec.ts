import { containsPattern } from './like-pattern';

describe('containsPattern', () => {
  it('wraps plain text in wildcards', () => {
    expect(containsPattern('prod')).toBe('%prod%');
  });

  it('escapes LIKE metacharacters and the escape character', () => {
    expect(containsPattern('100%_done\\x')).toBe('%100\\%\\_done\\\\x%');
  });
});
