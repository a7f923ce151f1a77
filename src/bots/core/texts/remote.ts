/** What the bot says when an admin command waits for the primary process (the one with the database), with a queue. */
import type { RichText } from '../text.js';

export const PRIMARY_WAITING: RichText = [
  "This command runs on the bot's main process, which is busy or not running right now. It will run as soon as that process is free.",
];

export const PRIMARY_TIMEOUT: RichText = ["The bot's main process did not get to this command in time. Please try again later."];
