/** `POST /uploads`: one photo, multipart; answers its id and the URL to show it at. */
export async function uploadPhoto(file: File): Promise<{ id: string; url: string }> {
  const body = new FormData();
  body.append('photo', file);
  const res = await fetch('/uploads', { method: 'POST', body, credentials: 'include' });
  if (!res.ok) {
    const payload = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(payload?.error?.message ?? `Upload failed (${res.status})`);
  }
  return (await res.json()) as { id: string; url: string };
}
