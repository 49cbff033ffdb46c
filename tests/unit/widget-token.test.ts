import { createVisitorTokens } from '../../channels/widget/visitor-token';

describe('widget visitor tokens', () => {
  const tokens = createVisitorTokens('a-secret-of-the-hub-0123');

  it('reads back the visitor a token was issued to', () => {
    const { visitorId, token } = tokens.issue();
    expect(tokens.verify(token)).toBe(visitorId);
    expect(tokens.issue().visitorId).not.toBe(visitorId);
  });

  it('refuses a token signed with another secret, edited, or malformed', () => {
    const { visitorId, token } = tokens.issue();
    const signature = token.split('.')[1]!;
    const other = createVisitorTokens('another-hub-secret-4567').issue();
    expect(tokens.verify(other.token)).toBeUndefined();
    expect(tokens.verify(`${other.visitorId}.${signature}`)).toBeUndefined();
    expect(tokens.verify(`${visitorId}.${signature.slice(0, -1)}`)).toBeUndefined();
    expect(tokens.verify(`${token}.extra`)).toBeUndefined();
    expect(tokens.verify(visitorId)).toBeUndefined();
    expect(tokens.verify(undefined)).toBeUndefined();
  });
});
