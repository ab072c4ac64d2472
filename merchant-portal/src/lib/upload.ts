/** What `POST /uploads` answers for a stored photo. */
export interface UploadedPhoto {
  id: string;
  url: string;
}

/** An upload the server refused, with its sentence (too large, not a photo…). */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sends one photo to `POST /uploads` with the session cookie, from this origin. */
export async function uploadPhoto(file: File): Promise<UploadedPhoto> {
  const form = new FormData();
  form.append('photo', file, file.name);
  const res = await fetch('/uploads', { method: 'POST', body: form, credentials: 'same-origin' });
  const body = (await res.json().catch(() => ({}))) as Partial<UploadedPhoto> & {
    error?: { message?: string; reason?: string };
  };
  if (!res.ok || !body.id || !body.url) {
    throw new UploadRefused(
      res.status,
      body.error?.reason ?? 'upload_failed',
      body.error?.message ?? '',
    );
  }
  return { id: body.id, url: body.url };
}
