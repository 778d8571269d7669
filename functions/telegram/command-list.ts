/**
 * The commands the bot answers, as registered with `setMyCommands` so Telegram offers them in the
 * chat's menu (https://core.telegram.org/bots/api#setmycommands).
 */
export const BOT_COMMANDS = [
  {
    command: 'positions',
    description:
      'Margin ratio or uniMMR per account, then open positions by distance to liquidation [account|source|symbol]',
  },
  { command: 'alerts', description: 'Alerts firing now' },
  {
    command: 'status',
    description: 'Last check of each source and account page, margin numbers, failures, weight used',
  },
  { command: 'mute', description: 'Mute alerts: /mute <account|symbol|all> <duration, e.g. 30m, 2h, 1d>' },
  { command: 'unmute', description: 'Lift mutes: /unmute [account|symbol|all]' },
  { command: 'rules', description: 'Thresholds in force' },
  { command: 'help', description: 'What the bot does and how to use it' },
] as const satisfies readonly { command: string; description: string }[];
