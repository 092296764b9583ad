// Uploading one attachment (POST /attachments?filename=, the raw file as the
// body) with progress, which fetch cannot report.

import { API, ApiError, session } from './api.js';
import { t } from './i18n.js';

/**
 * Upload file; onProgress(fraction 0..1). Resolves to the API's attachment
 * ({id, filename, content_type, size}); rejects with an ApiError.
 */
export function uploadAttachment(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API}/attachments?filename=${encodeURIComponent(file.name)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    if (session.csrf) xhr.setRequestHeader('X-CSRF-Token', session.csrf);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300 && data && data.attachment) {
        resolve(data.attachment);
        return;
      }
      const e = (data && data.error) || {};
      reject(new ApiError(xhr.status, e.code || `http_${xhr.status}`, e.message || xhr.statusText || ''));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', t('error.network'))));
    xhr.send(file);
  });
}
