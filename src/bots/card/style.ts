/**
 * The look of every card: its width, type sizes and colours. Cards are 1080 px wide and shown
 * about 360 pt wide in a phone's chat, a third of their size, so the smallest type (36 px)
 * reads as 12 pt.
 */
import type { TextStyle } from '../../report/text-paths.js';

export const CARD_WIDTH = 1080;
/** How wide a phone's chat shows a picture, in points. */
export const PHONE_DISPLAY_PT = 360;
/** Smallest type on a card, in pt at PHONE_DISPLAY_PT. */
export const MIN_DISPLAY_PT = 12;
/** Smallest type on a card, in px. */
export const MIN_TEXT_PX = Math.ceil((MIN_DISPLAY_PT * CARD_WIDTH) / PHONE_DISPLAY_PT);

export const PAD = 48;

export const TYPE = {
  title: { size: 44, weight: 'bold' },
  subtitle: { size: MIN_TEXT_PX },
  bigName: { size: 54, weight: 'bold' },
  bigScore: { size: 42, weight: 'bold' },
  name: { size: 44, weight: 'bold' },
  score: { size: 38 },
  label: { size: MIN_TEXT_PX },
  badge: { size: 38, weight: 'bold' },
} as const satisfies Record<string, TextStyle>;

export const COLOURS = {
  backgroundTop: '#1f1c4d',
  backgroundBottom: '#3b1f56',
  text: '#ffffff',
  muted: '#c9c5f2',
  accent: '#ffd43b',
  tileBorder: '#ffffff',
  /** Box and number of a face that was found but not answered. */
  unanswered: '#adb5bd',
} as const;

/** Box colours of answered faces on a group photo, by number. */
export const BOX_COLOURS = ['#ffd43b', '#4dabf7', '#ff8787', '#69db7c', '#da77f2', '#ffa94d', '#3bc9db', '#f783ac'] as const;
