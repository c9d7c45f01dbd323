/**
 * Content types whose string bodies are taken as base64-encoded bytes (and
 * flagged `isBase64Encoded`): the same list as Architect's.
 *
 * @module
 */

const TYPES = `application/octet-stream
application/epub+zip application/msword application/pdf application/rtf application/vnd.amazon.ebook
application/vnd.ms-excel application/vnd.ms-powerpoint
application/vnd.openxmlformats-officedocument.presentationml.presentation
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
application/vnd.openxmlformats-officedocument.wordprocessingml.document
font/otf font/woff font/woff2
image/avif image/bmp image/gif image/jpeg image/png image/tiff image/vnd.microsoft.icon image/webp
audio/3gpp audio/aac audio/basic audio/mpeg audio/ogg audio/wav audio/webm audio/x-aiff audio/x-midi audio/x-wav
video/3gpp video/mp2t video/mpeg video/ogg video/quicktime video/webm video/x-msvideo
application/java-archive application/vnd.apple.installer+xml application/x-7z-compressed
application/x-apple-diskimage application/x-bzip application/x-bzip2 application/x-gzip
application/x-java-archive application/x-rar-compressed application/x-tar application/x-zip application/zip`

/** The binary content types (without parameters). */
export const BINARY_TYPES: ReadonlySet<string> = new Set(TYPES.split(/\s+/))
