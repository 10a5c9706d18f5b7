// Thin C wrappers over libvips and libexif for FieldSync's photos: libvips's calls are variadic,
// which Swift cannot call, and EXIF is built entry by entry. No policy lives here: the limits and
// messages are in the Swift module Imaging.
#ifndef FSPHOTO_H
#define FSPHOTO_H
#include <stddef.h>

typedef struct {
    /// The size the image declares in its header (nothing decoded yet).
    int width, height;
    /// The libvips loader that recognised it ("jpegload_buffer", "pngload_buffer", "heifload_buffer", ...).
    char loader[40];
    /// EXIF DateTimeOriginal (or DateTime), "YYYY:MM:DD HH:MM:SS", when present.
    int has_time;
    char time[20];
    /// EXIF GPS position in signed degrees, when present and well formed.
    int has_gps;
    double latitude, longitude;
} fs_photo_info;

/// Starts libvips once for the process; 0 on success.
int fs_photo_start(void);

/// Reads the header and EXIF of an encoded image without decoding its pixels. 0, or -1 with a
/// message in err.
int fs_photo_probe(const void *data, size_t length, fs_photo_info *info, char *err, size_t errlen);

/// Decodes the image (failing on a truncated or damaged file), turns it upright, shrinks it to fit
/// long_side on its longer edge (never enlarges), encodes a baseline JPEG at quality with no
/// metadata at all, then adds an EXIF block holding only the time and GPS position of keep (when
/// present). The result is allocated with malloc; free it with fs_photo_free.
int fs_photo_reencode(const void *data, size_t length, int long_side, int quality, const fs_photo_info *keep,
                      void **out, size_t *outlen, char *err, size_t errlen);

/// A synthetic test picture (gradients and noise, like a photo to an encoder) of the size given, as
/// "jpeg", "png" or "heif".
int fs_photo_synth(int width, int height, unsigned seed, const char *format, int quality,
                   void **out, size_t *outlen, char *err, size_t errlen);

/// A JPEG with an EXIF block put in front: the time and GPS given (when set), and, when make is
/// not NULL, the camera make and a user comment (fields the re-encoding must drop).
int fs_photo_with_exif(const void *jpeg, size_t length, const char *time, int has_gps, double latitude,
                       double longitude, const char *make, void **out, size_t *outlen, char *err, size_t errlen);

void fs_photo_free(void *pointer);

#endif
