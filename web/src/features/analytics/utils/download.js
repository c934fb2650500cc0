// Save a Blob made in the page (chart PNG, series CSV) as a file through the browser's download.

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the download has its own copy once started; a short delay keeps slow browsers safe
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from plain parts: letters, digits, '-', '_' and '.' only. */
export function fileName(parts, ext) {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]+/g, '-')).join('_')}.${ext}`;
}
