/**
 * Saves a file the background made (an export's CSV) through the page's own download: a Blob,
 * an object URL and a click on an `<a download>`. Pages need no downloads permission for it,
 * and the file never goes through the host page (the widget is an extension frame).
 */

/** A file as `ExportOutcome.file` carries it. */
export interface FileToSave {
  name: string;
  mimeType: string;
  content: string;
}

export interface SavedFile {
  /** The object URL, for a **Save the file again** link (free: the rows are already here). */
  url: string;
  name: string;
  /** Frees the file's memory; the link stops working. Call it when the page lets the file go. */
  revoke(): void;
}

/** Starts the download of `file` at once and keeps its URL until `revoke()`. */
export function saveFile(file: FileToSave, doc: Document = document): SavedFile {
  // A string Blob is written as UTF-8, so a leading U+FEFF becomes the byte-order mark that
  // spreadsheet programs need to read accents right.
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = file.name;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  let revoked = false;
  return {
    url,
    name: file.name,
    revoke() {
      if (revoked) return;
      revoked = true;
      URL.revokeObjectURL(url);
    },
  };
}
