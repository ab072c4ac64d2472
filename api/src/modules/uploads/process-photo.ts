import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { DomainError } from '../../errors';

/** What the platform accepts, judged by the bytes, never by the file name. */
const ACCEPTED = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;
type AcceptedMime = keyof typeof ACCEPTED;

/** Larger than any phone camera (a 200-megapixel sensor is 2e8); far below a decompression bomb's. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** The long side of a stored photo: sharp on a phone's screen, small to send. */
export const STORED_LONG_SIDE = 1600;

export class PhotoRefused extends DomainError {
  constructor(
    readonly status: 413 | 415 | 422,
    reason: string,
    message: string,
  ) {
    super('BAD_REQUEST', reason, message);
  }
}

export interface ProcessedPhoto {
  body: Buffer;
  mime: AcceptedMime;
  extension: string;
  width: number;
  height: number;
}

/**
 * Checks a photo by its content and re-encodes it for phones: orientation applied, longest side at
 * most 1600 px, every metadata block (EXIF with its GPS position, XMP, ICC comments) dropped, in the
 * format it really is. Refuses what is not a JPEG, PNG or WebP, and images whose pixel count would
 * decompress to more memory than a photo needs (sharp's `limitInputPixels`).
 */
export async function processPhoto(input: Buffer): Promise<ProcessedPhoto> {
  const sniffed = await fileTypeFromBuffer(input);
  const mime = sniffed?.mime as AcceptedMime | undefined;
  if (!mime || !(mime in ACCEPTED)) {
    throw new PhotoRefused(415, 'not_a_photo', 'Only JPEG, PNG or WebP photos can be uploaded');
  }
  const image = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  let meta;
  try {
    meta = await image.metadata();
  } catch (error) {
    throw tooManyPixels(error) ?? unreadable();
  }
  if (!meta.width || !meta.height || meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new PhotoRefused(
      422,
      'photo_too_many_pixels',
      `This image has too many pixels (at most ${MAX_INPUT_PIXELS / 1_000_000} million)`,
    );
  }
  const resized = image.rotate().resize({
    width: STORED_LONG_SIDE,
    height: STORED_LONG_SIDE,
    fit: 'inside',
    withoutEnlargement: true,
  });
  const encoded =
    mime === 'image/png'
      ? resized.png({ compressionLevel: 9 })
      : mime === 'image/webp'
        ? resized.webp({ quality: 82 })
        : resized.jpeg({ quality: 82, mozjpeg: true });
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { body: data, mime, extension: ACCEPTED[mime], width: info.width, height: info.height };
  } catch (error) {
    throw tooManyPixels(error) ?? unreadable();
  }
}

const unreadable = () =>
  new PhotoRefused(422, 'unreadable_photo', 'This photo is damaged and cannot be read');

function tooManyPixels(error: unknown) {
  return error instanceof Error && /pixel limit/i.test(error.message)
    ? new PhotoRefused(422, 'photo_too_many_pixels', 'This image has too many pixels')
    : null;
}
