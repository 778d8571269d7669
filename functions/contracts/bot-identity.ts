/**
 * A bot's own user as `getMe` describes it (https://core.telegram.org/bots/api#getme), built from its
 * token and username: a token is `<bot id>:<secret>`, so the id is the token's number. The bot uses it
 * to skip a `getMe` call on a cold start; the Bot API stand-in answers `getMe` with it.
 */
export interface BotIdentity {
  id: number;
  is_bot: true;
  first_name: string;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
}

export function botIdentity(token: string, username: string): BotIdentity {
  return {
    id: Number(token.split(':', 1)[0]) || 1,
    is_bot: true,
    first_name: username,
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
}
