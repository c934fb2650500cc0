// Browser downloads: of a server link (the browser saves it as it arrives) or of a Blob made in the
// page (chart PNG, series CSV).

/** Let the browser download `url` itself: it saves to disk as the file arrives, with its own
 *  progress, instead of the page holding it all (a month of CSV is ~90 MB) in memory first. */
export function downloadUrl(url, filename) {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, filename);
  // the download has its own copy once started; a short delay keeps slow browsers safe
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from plain parts: letters, digits, '-', '_' and '.' only. */
export function fileName(parts, ext) {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]+/g, '-')).join('_')}.${ext}`;
}
