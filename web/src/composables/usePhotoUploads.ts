import type { UploaderFileListItem } from 'vant';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { uploadPhoto } from '../lib/upload';

export type UploadedPhoto = UploaderFileListItem & { photoId?: string };

/**
 * Photos chosen in a Vant uploader, each sent to `POST /uploads` as soon as it is read: bind
 * `photos` as the uploader's list and `send` as its `after-read`. A photo that fails says so
 * in words and is left for the resident to remove.
 */
export function usePhotoUploads() {
  const { t } = useI18n();
  const photos = ref<UploadedPhoto[]>([]);
  const uploading = computed(() => photos.value.some((p) => p.status === 'uploading'));
  /** The ids of the photos that reached the server, in the order they were chosen. */
  const photoIds = computed(() => photos.value.flatMap((p) => (p.photoId ? [p.photoId] : [])));

  async function send(item: UploaderFileListItem | UploaderFileListItem[]) {
    for (const one of Array.isArray(item) ? item : [item]) {
      const photo = one as UploadedPhoto;
      if (!photo.file) continue;
      photo.status = 'uploading';
      try {
        photo.photoId = (await uploadPhoto(photo.file)).id;
        photo.status = 'done';
      } catch {
        photo.status = 'failed';
        photo.message = t('actions.photoFailed');
      }
    }
  }

  function reset() {
    photos.value = [];
  }

  return { photos, uploading, photoIds, send, reset };
}
