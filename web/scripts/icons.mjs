// Draws the Mortar mark (see web/src/shell/Logo.tsx) into the PWA icons in web/public/icons/ as PNG,
// with nothing but zlib: each pixel is supersampled 4x4 against rounded rectangles.
// Run: node web/scripts/icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BRAND = [0x2f, 0x4f, 0xb5];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xff, 0xc8, 0x61];

// x, y, width, height, colour in the logo's 32x32 space (same as Logo.tsx).
const BRICKS = [
  [7, 8.5, 8.25, 4, WHITE],
  [16.75, 8.5, 8.25, 4, WHITE],
  [7, 14, 3.375, 4, WHITE],
  [11.875, 14, 8.25, 4, AMBER],
  [21.625, 14, 3.375, 4, WHITE],
  [7, 19.5, 8.25, 4, WHITE],
  [16.75, 19.5, 8.25, 4, WHITE],
];

function inRoundRect(px, py, x, y, w, h, r) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** RGBA pixels of the mark at `size`; `maskable` fills the whole square (the OS applies its own mask). */
function draw(size, maskable) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  const unit = 32 / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = (x + (sx + 0.5) / n) * unit;
          const v = (y + (sy + 0.5) / n) * unit;
          if (!maskable && !inRoundRect(u, v, 0, 0, 32, 32, 7)) continue;
          let c = BRAND;
          for (const [bx, by, bw, bh, colour] of BRICKS) if (inRoundRect(u, v, bx, by, bw, bh, 1)) c = colour;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 255;
        }
      }
      const i = (y * size + x) * 4;
      const cover = a / 255;
      px[i] = cover ? r / cover : 0;
      px[i + 1] = cover ? g / cover : 0;
      px[i + 2] = cover ? b / cover : 0;
      px[i + 3] = a / (n * n);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
]) {
  writeFileSync(new URL(name, out), png(size, draw(size, maskable)));
  console.log(`wrote web/public/icons/${name}`);
}
