/**
 * The slash commands, built with discord.js builders, and the mapping of an invocation to a
 * core request. `/train`, `/train-cancel` and `/model` default to administrators only in servers
 * (server admins can change that in Server Settings > Integrations); the bot still checks
 * DISCORD_ADMIN_IDS itself, which also covers DMs.
 */
import {
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ApplicationCommandOptionChoiceData,
  type ChatInputCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { describePreset, isPresetId, PRESET_IDS, PRESETS } from '../../engine/train/presets.js';
import { DESCRIPTIONS, parseModelTarget } from '../core/commands.js';
import type { BotRequest } from '../core/types.js';
import { discordImage } from './files.js';

/** Discord's limits: at most 25 autocomplete choices, names and string values at most 100 characters. */
export const AUTOCOMPLETE_CHOICES = 25;
const CHOICE_LENGTH = 100;

/** `/who name:` autocomplete choices: each person's name as shown and as the value sent back. */
export function whoChoices(names: readonly string[]): ApplicationCommandOptionChoiceData<string>[] {
  return names.slice(0, AUTOCOMPLETE_CHOICES).map((name) => ({ name: name.slice(0, CHOICE_LENGTH), value: name.slice(0, CHOICE_LENGTH) }));
}

export function commandData(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const lookalike = new SlashCommandBuilder()
    .setName('lookalike')
    .setDescription(DESCRIPTIONS.lookalike)
    .addAttachmentOption((o) => o.setName('image').setDescription('A photo with a face').setRequired(true));
  const who = new SlashCommandBuilder()
    .setName('who')
    .setDescription(DESCRIPTIONS.who)
    .addStringOption((o) => o.setName('name').setDescription("A celebrity's name").setRequired(true).setAutocomplete(true).setMaxLength(CHOICE_LENGTH));
  const train = new SlashCommandBuilder()
    .setName('train')
    .setDescription(DESCRIPTIONS.train)
    .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
    .addIntegerOption((o) =>
      o
        .setName('run')
        .setDescription('Training preset (default: 6 on the gallery split, else 2)')
        .setRequired(false)
        .addChoices(...PRESET_IDS.map((id) => ({ name: `${id}: ${describePreset(PRESETS[id])}`, value: id }))),
    );
  const cancel = new SlashCommandBuilder()
    .setName('train-cancel')
    .setDescription(DESCRIPTIONS.trainCancel)
    .setDefaultMemberPermissions(PermissionFlagsBits.Administrator);
  const model = new SlashCommandBuilder()
    .setName('model')
    .setDescription(DESCRIPTIONS.model)
    .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
    .addStringOption((o) => o.setName('use').setDescription('A run number to pin, or "default" for the shipped model; empty: show').setRequired(false));
  const leaderboard = new SlashCommandBuilder().setName('leaderboard').setDescription(DESCRIPTIONS.leaderboard);
  const help = new SlashCommandBuilder().setName('help').setDescription(DESCRIPTIONS.help);
  return [lookalike, who, train, cancel, model, leaderboard, help].map((command) => command.toJSON());
}

/** The core request for a slash command; null for a command this bot does not have. */
export function requestFor(interaction: ChatInputCommandInteraction): BotRequest | null {
  switch (interaction.commandName) {
    case 'lookalike':
      return { kind: 'photo', image: discordImage(interaction.options.getAttachment('image', true)) };
    case 'who':
      return { kind: 'who', name: interaction.options.getString('name') ?? '' };
    case 'train': {
      const run = interaction.options.getInteger('run');
      if (run === null) return { kind: 'train', action: { type: 'start', preset: 'default' } };
      return { kind: 'train', action: isPresetId(run) ? { type: 'start', preset: run } : { type: 'usage', problem: `There is no preset ${run}.` } };
    }
    case 'train-cancel':
      return { kind: 'train', action: { type: 'cancel' } };
    case 'model': {
      const use = interaction.options.getString('use');
      return { kind: 'model', action: use === null ? { type: 'show' } : parseModelTarget(use) };
    }
    case 'leaderboard':
      return { kind: 'leaderboard' };
    case 'help':
      return { kind: 'help' };
    default:
      return null;
  }
}
