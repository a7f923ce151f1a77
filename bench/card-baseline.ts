/**
 * The card renderer as it was before the cards were made cheaper (commit 6a6ac63), frozen here
 * only so that every run of the card benchmark measures the old and the new way side by side on
 * the same machine at the same time. Not used by the bots. Each step goes through PNG, the
 * background gradient and the whole overlay are drawn by librsvg at the card's full size, and
 * libvips composites and flattens the layers.
 */
import sharp from 'sharp';
import type { Box } from '../src/base/box.js';
import type { FaceAnswer, Prediction } from '../src/engine/lookalike.js';
import { svgText, type DrawnText } from '../src/report/text-paths.js';
import { scoreLabel, type CardSources, type NumberedAnswer } from '../src/bots/card/cards.js';
import { faceSquare } from '../src/bots/card/face-square.js';
import { boxColour, groupCardLayout, type NumberedFace } from '../src/bots/card/group-layout.js';
import { lookalikeCardLayout, type FaceSlot } from '../src/bots/card/layout.js';
import { decodePhoto, type DecodedPhoto } from '../src/bots/card/render.js';
import { COLOURS } from '../src/bots/card/style.js';
import { initials } from '../src/bots/card/svg.js';

interface Canvas {
  width: number;
  height: number;
}

interface Layer {
  input: Buffer;
  left: number;
  top: number;
}

const backgroundSvg = ({ width, height }: Canvas) => `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1"><stop offset="0" stop-color="${COLOURS.backgroundTop}"/><stop offset="1" stop-color="${COLOURS.backgroundBottom}"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#bg)"/>
</svg>`;

function overlaySvg(canvas: Canvas, layout: { texts: DrawnText[]; rules?: [number, number, number][]; slots?: FaceSlot[] }, extra = ''): string {
  const rules = (layout.rules ?? []).map(
    ([x1, y, x2]) => `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${COLOURS.muted}" stroke-opacity="0.35" stroke-width="2"/>`,
  );
  const frames = (layout.slots ?? []).map(
    (s) =>
      `<rect x="${s.x + 1}" y="${s.y + 1}" width="${s.size - 2}" height="${s.size - 2}" rx="${s.radius}" fill="none" stroke="${COLOURS.tileBorder}" stroke-opacity="0.25" stroke-width="2"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}">
${rules.join('\n')}
${frames.join('\n')}
${layout.texts.map((t) => svgText(t)).join('\n')}
${extra}
</svg>`;
}

const roundedMaskSvg = (size: number, radius: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${radius}" fill="#fff"/></svg>`;

function numberBadgeSvg(number: number, cx: number, cy: number, radius: number, colour: string): string {
  const size = Math.round(radius * (number >= 10 ? 1.0 : 1.25));
  return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${radius.toFixed(1)}" fill="${colour}" stroke="#000" stroke-opacity="0.6" stroke-width="2"/>
${svgText({ text: String(number), x: cx, y: cy + size * 0.36, size, weight: 'bold', anchor: 'middle', fill: '#111' })}`;
}

function numberedBoxesSvg(faces: readonly NumberedFace[], at: { x: number; y: number; width: number; height: number; scale: number }): string {
  return faces
    .map((face) => {
      const [x, y, w, h] = face.box.map((v) => v * at.scale);
      const left = at.x + x;
      const top = at.y + y;
      const colour = boxColour(face);
      const stroke = Math.max(3, Math.round(Math.min(w, h) / 28));
      const dash = face.person ? '' : ` stroke-dasharray="${stroke * 3} ${stroke * 2}"`;
      const r = Math.max(18, Math.min(34, Math.round(Math.min(w, h) / 5)));
      const cx = Math.min(Math.max(left, at.x + r), at.x + at.width - r);
      const cy = Math.min(Math.max(top, at.y + r), at.y + at.height - r);
      return `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="4" fill="none" stroke="${colour}" stroke-width="${stroke}"${dash}/>
${numberBadgeSvg(face.number, cx, cy, r, colour)}`;
    })
    .join('\n');
}

const rawOf = (p: DecodedPhoto) => sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } });

function cutFace(photo: DecodedPhoto, box: Box, size: number): Promise<Buffer> {
  const square = faceSquare(box.map((v) => v * photo.scale) as Box, photo.width, photo.height);
  return rawOf(photo)
    .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
    .resize(size, size, { kernel: square.size < size ? 'mitchell' : 'lanczos3' })
    .png()
    .toBuffer();
}

async function referenceFace(bytes: Uint8Array, size: number): Promise<Buffer | null> {
  try {
    const meta = await sharp(bytes).metadata();
    const enlarging = Math.min(meta.width ?? 0, meta.height ?? 0) < size;
    return await sharp(bytes)
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(size, size, { fit: 'cover', kernel: enlarging ? 'mitchell' : 'lanczos3' })
      .png()
      .toBuffer();
  } catch {
    return null;
  }
}

function placeholderSvg(slot: FaceSlot, name: string): string {
  return `<rect x="${slot.x}" y="${slot.y}" width="${slot.size}" height="${slot.size}" rx="${slot.radius}" fill="#ffffff" fill-opacity="0.12"/>
${svgText({ text: initials(name) || '?', x: slot.x + slot.size / 2, y: slot.y + slot.size * 0.62, size: Math.round(slot.size * 0.36), weight: 'bold', anchor: 'middle', fill: COLOURS.muted })}`;
}

async function composeCard(
  canvas: Canvas,
  faces: readonly { slot: FaceSlot; pixels: Buffer | null }[],
  layers: readonly Layer[],
  overlay: string,
): Promise<Buffer> {
  const placed = await Promise.all(
    faces
      .filter((f) => f.pixels !== null)
      .map(async (f) => ({
        input: await sharp(f.pixels!)
          .ensureAlpha()
          .composite([{ input: Buffer.from(roundedMaskSvg(f.slot.size, f.slot.radius)), blend: 'dest-in' }])
          .png()
          .toBuffer(),
        left: Math.round(f.slot.x),
        top: Math.round(f.slot.y),
      })),
  );
  const background = await sharp(Buffer.from(backgroundSvg(canvas)))
    .png()
    .toBuffer();
  return sharp(background)
    .composite([...layers, ...placed, { input: Buffer.from(overlay), left: 0, top: 0 }])
    .flatten({ background: COLOURS.backgroundTop })
    .jpeg({ quality: 86, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

async function fillSlots(
  slots: readonly FaceSlot[],
  photo: DecodedPhoto,
  boxOf: (slot: FaceSlot) => Box,
  nameOf: (slot: FaceSlot) => string,
  sources: CardSources,
): Promise<{ faces: { slot: FaceSlot; pixels: Buffer | null }[]; placeholders: string }> {
  const faces = await Promise.all(
    slots.map(async (slot) => {
      if (slot.kind === 'you') return { slot, pixels: await cutFace(photo, boxOf(slot), slot.size) };
      const bytes = await sources.thumbnails.find(sources.model, nameOf(slot));
      return { slot, pixels: bytes ? await referenceFace(bytes, slot.size) : null };
    }),
  );
  const placeholders = faces
    .filter((f) => f.pixels === null)
    .map((f) => placeholderSvg(f.slot, nameOf(f.slot)))
    .join('\n');
  return { faces, placeholders };
}

export async function baselineLookalikeCard(photo: Uint8Array, prediction: Prediction, face: FaceAnswer, sources: CardSources): Promise<Buffer> {
  const layout = lookalikeCardLayout(face.matches.map((m) => ({ name: m.name, score: scoreLabel(m) })));
  const decoded = await decodePhoto(photo, prediction, sources.maxImagePixels);
  const { faces, placeholders } = await fillSlots(
    layout.slots,
    decoded,
    () => face.box,
    (slot) => face.matches[slot.index].name,
    sources,
  );
  return composeCard(layout, faces, [], overlaySvg(layout, layout, placeholders));
}

export async function baselineGroupCard(photo: Uint8Array, prediction: Prediction, numbered: readonly NumberedAnswer[], sources: CardSources): Promise<Buffer> {
  const layout = groupCardLayout(prediction, numbered);
  const rows = numbered.filter((f) => f.person);
  const decoded = await decodePhoto(photo, prediction, sources.maxImagePixels);
  const { faces, placeholders } = await fillSlots(
    layout.slots,
    decoded,
    (slot) => rows[slot.index].box,
    (slot) => rows[slot.index].person!.name,
    sources,
  );
  const p = layout.photo;
  const picture = { input: await rawOf(decoded).resize(p.width, p.height, { fit: 'fill' }).png().toBuffer(), left: p.x, top: p.y };
  const badges = layout.badges.map((b) => numberBadgeSvg(b.number, b.x, b.y, b.radius, b.colour)).join('\n');
  return composeCard(layout, faces, [picture], overlaySvg(layout, layout, [numberedBoxesSvg(numbered, p), badges, placeholders].join('\n')));
}
