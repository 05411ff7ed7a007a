// The complaint form's photos (issue #17): at most MAX_PHOTOS, JPEG, PNG or WebP, compressed
// on the phone with the documents' capture code before they are stored with the complaint
// (engine.mutateWithPhotos) and uploaded through tus.
import { compressPhoto } from '../capture/compress.js';

/** server/complaints/mutations.py MAX_PHOTOS and PHOTO_TYPES. */
export const MAX_PHOTOS = 3;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** Why `file` cannot be added to `photos` (an i18n key), or null. */
export function photoProblem(photos, file) {
  if (photos.length >= MAX_PHOTOS) return 'complaint.photoTooMany';
  if (!String(file.type).startsWith('image/')) return 'complaint.photoNotImage';
  return null;
}

/** One picked or taken photo -> a compressed Blob the server takes as a complaint photo. */
export async function preparePhoto(file) {
  const { blob } = await compressPhoto(file);
  if (!PHOTO_TYPES.includes(blob.type)) throw Object.assign(new Error(blob.type), { code: 'not_image' });
  return blob;
}
