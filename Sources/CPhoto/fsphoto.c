#include "fsphoto.h"

#include <libexif/exif-data.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

static int start_result = -1;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static void drop_message(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain; (void)level; (void)message; (void)data;  // damage is reported as an error, not a warning
}

static void start(void) {
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG,
                      drop_message, NULL);
    start_result = VIPS_INIT("fieldsync") ? -1 : 0;
    if (start_result == 0) {
        vips_cache_set_max(0);  // one image at a time: nothing worth caching, memory kept low
    }
}

int fs_photo_start(void) {
    pthread_once(&start_once, start);
    return start_result;
}

static int fail(char *err, size_t errlen, const char *what) {
    const char *detail = vips_error_buffer();
    snprintf(err, errlen, "%s%s%s", what, detail && *detail ? ": " : "", detail ? detail : "");
    size_t n = strlen(err);
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' ')) err[--n] = 0;
    vips_error_clear();
    return -1;
}

void fs_photo_free(void *pointer) { free(pointer); }

// --- EXIF -------------------------------------------------------------------------------------

static int gps_degrees(ExifData *data, ExifTag value_tag, ExifTag ref_tag, double *out) {
    ExifEntry *value = exif_content_get_entry(data->ifd[EXIF_IFD_GPS], value_tag);
    ExifEntry *ref = exif_content_get_entry(data->ifd[EXIF_IFD_GPS], ref_tag);
    if (!value || !ref || value->format != EXIF_FORMAT_RATIONAL || value->components != 3 || value->size < 24 ||
        ref->size < 1) return 0;
    ExifByteOrder order = exif_data_get_byte_order(data);
    double parts[3];
    for (int i = 0; i < 3; i++) {
        ExifRational r = exif_get_rational(value->data + 8 * i, order);
        if (r.denominator == 0) return 0;
        parts[i] = (double)r.numerator / (double)r.denominator;
    }
    double degrees = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
    char hemisphere = (char)ref->data[0];
    if (hemisphere == 'S' || hemisphere == 'W') degrees = -degrees;
    else if (hemisphere != 'N' && hemisphere != 'E') return 0;
    *out = degrees;
    return 1;
}

static void read_exif(const void *blob, size_t length, fs_photo_info *info) {
    ExifData *data = exif_data_new_from_data(blob, (unsigned int)length);
    if (!data) return;
    ExifEntry *time = exif_content_get_entry(data->ifd[EXIF_IFD_EXIF], EXIF_TAG_DATE_TIME_ORIGINAL);
    if (!time) time = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_DATE_TIME);
    if (time && time->format == EXIF_FORMAT_ASCII && time->size >= 19) {
        memcpy(info->time, time->data, 19);
        info->time[19] = 0;
        info->has_time = 1;
        for (int i = 0; i < 19; i++) {
            char c = info->time[i];
            int separator = (i == 4 || i == 7) ? ':' : i == 10 ? ' ' : (i == 13 || i == 16) ? ':' : 0;
            if (separator ? c != separator : (c < '0' || c > '9')) { info->has_time = 0; break; }
        }
    }
    double latitude, longitude;
    if (gps_degrees(data, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, &latitude) &&
        gps_degrees(data, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, &longitude) &&
        isfinite(latitude) && isfinite(longitude) && fabs(latitude) <= 90 && fabs(longitude) <= 180) {
        info->has_gps = 1;
        info->latitude = latitude;
        info->longitude = longitude;
    }
    exif_data_unref(data);
}

static ExifEntry *new_entry(ExifData *data, ExifIfd ifd, ExifTag tag, ExifFormat format, unsigned long components) {
    ExifMem *mem = exif_mem_new_default();
    ExifEntry *entry = exif_entry_new_mem(mem);
    unsigned int size = exif_format_get_size(format) * components;
    entry->data = exif_mem_alloc(mem, size);
    entry->size = size;
    entry->tag = tag;
    entry->components = components;
    entry->format = format;
    exif_content_add_entry(data->ifd[ifd], entry);
    exif_mem_unref(mem);
    exif_entry_unref(entry);  // the IFD holds it now
    return entry;
}

static void put_ascii(ExifData *data, ExifIfd ifd, ExifTag tag, const char *text) {
    ExifEntry *entry = new_entry(data, ifd, tag, EXIF_FORMAT_ASCII, strlen(text) + 1);
    memcpy(entry->data, text, strlen(text) + 1);
}

static void put_degrees(ExifData *data, ExifTag value_tag, ExifTag ref_tag, double degrees, const char *refs) {
    char ref[2] = {degrees < 0 ? refs[1] : refs[0], 0};
    ExifEntry *entry = new_entry(data, EXIF_IFD_GPS, ref_tag, EXIF_FORMAT_ASCII, 2);
    memcpy(entry->data, ref, 2);
    double magnitude = fabs(degrees);
    double whole = floor(magnitude), minutes = floor((magnitude - whole) * 60);
    double seconds = ((magnitude - whole) * 60 - minutes) * 60;
    ExifRational parts[3] = {{(ExifLong)whole, 1}, {(ExifLong)minutes, 1}, {(ExifLong)llround(seconds * 10000), 10000}};
    entry = new_entry(data, EXIF_IFD_GPS, value_tag, EXIF_FORMAT_RATIONAL, 3);
    for (int i = 0; i < 3; i++) exif_set_rational(entry->data + 8 * i, EXIF_BYTE_ORDER_INTEL, parts[i]);
}

// A JPEG with an APP1 EXIF segment holding the entries given, put right after its SOI marker.
static int splice_exif(const unsigned char *jpeg, size_t length, const char *time, int has_gps, double latitude,
                       double longitude, const char *make, void **out, size_t *outlen, char *err, size_t errlen) {
    if (length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) {
        snprintf(err, errlen, "not a JPEG stream");
        return -1;
    }
    ExifData *data = exif_data_new();
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(data, EXIF_BYTE_ORDER_INTEL);
    if (time) put_ascii(data, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, time);
    if (has_gps) {
        ExifEntry *version = new_entry(data, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID, EXIF_FORMAT_BYTE, 4);
        const unsigned char v[4] = {2, 2, 0, 0};
        memcpy(version->data, v, 4);
        put_degrees(data, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, latitude, "NS");
        put_degrees(data, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, longitude, "EW");
    }
    if (make) {
        put_ascii(data, EXIF_IFD_0, EXIF_TAG_MAKE, make);
        put_ascii(data, EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, "serial 4C0FFEE owner Budi");
    }
    unsigned char *blob = NULL;
    unsigned int blob_length = 0;
    exif_data_save_data(data, &blob, &blob_length);
    exif_data_unref(data);
    if (!blob || blob_length == 0 || blob_length > 65533) {
        free(blob);
        snprintf(err, errlen, "EXIF block could not be written");
        return -1;
    }
    size_t total = length + 4 + blob_length;
    unsigned char *result = malloc(total);
    if (!result) {
        free(blob);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    result[0] = 0xFF;
    result[1] = 0xD8;
    result[2] = 0xFF;
    result[3] = 0xE1;
    result[4] = (unsigned char)((blob_length + 2) >> 8);
    result[5] = (unsigned char)((blob_length + 2) & 0xFF);
    memcpy(result + 6, blob, blob_length);
    memcpy(result + 6 + blob_length, jpeg + 2, length - 2);
    free(blob);
    *out = result;
    *outlen = total;
    return 0;
}

int fs_photo_with_exif(const void *jpeg, size_t length, const char *time, int has_gps, double latitude,
                       double longitude, const char *make, void **out, size_t *outlen, char *err, size_t errlen) {
    return splice_exif(jpeg, length, time, has_gps, latitude, longitude, make, out, outlen, err, errlen);
}

// --- Images -----------------------------------------------------------------------------------

int fs_photo_probe(const void *data, size_t length, fs_photo_info *info, char *err, size_t errlen) {
    memset(info, 0, sizeof(*info));
    if (fs_photo_start() != 0) return fail(err, errlen, "libvips did not start");
    const char *loader = vips_foreign_find_load_buffer(data, length);
    if (!loader) return fail(err, errlen, "no image loader recognises the file");
    snprintf(info->loader, sizeof(info->loader), "%s", loader);
    VipsImage *image = vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) return fail(err, errlen, "the image header cannot be read");
    info->width = vips_image_get_width(image);
    info->height = vips_image_get_height(image);
    if (vips_image_get_typeof(image, VIPS_META_EXIF_NAME)) {
        const void *blob = NULL;
        size_t blob_length = 0;
        if (vips_image_get_blob(image, VIPS_META_EXIF_NAME, &blob, &blob_length) == 0 && blob && blob_length > 6) {
            read_exif(blob, blob_length, info);
        }
    }
    g_object_unref(image);
    vips_error_clear();
    return 0;
}

int fs_photo_reencode(const void *data, size_t length, int long_side, int quality, const fs_photo_info *keep,
                      void **out, size_t *outlen, char *err, size_t errlen) {
    if (fs_photo_start() != 0) return fail(err, errlen, "libvips did not start");
    VipsImage *thumbnail = NULL;
    if (vips_thumbnail_buffer((void *)data, length, &thumbnail, long_side, "height", long_side, "size", VIPS_SIZE_DOWN,
                              "option_string", "fail_on=truncated", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL)) {
        return fail(err, errlen, "the image cannot be decoded");
    }
    void *jpeg = NULL;
    size_t jpeg_length = 0;
    int status = vips_jpegsave_buffer(thumbnail, &jpeg, &jpeg_length, "Q", quality, "strip", TRUE,
                                      "optimize_coding", TRUE, NULL);
    g_object_unref(thumbnail);
    if (status) return fail(err, errlen, "the image cannot be encoded as JPEG");
    int has_gps = keep && keep->has_gps;
    status = splice_exif(jpeg, jpeg_length, keep && keep->has_time ? keep->time : NULL, has_gps,
                         has_gps ? keep->latitude : 0, has_gps ? keep->longitude : 0, NULL, out, outlen, err, errlen);
    g_free(jpeg);
    return status;
}

int fs_photo_synth(int width, int height, unsigned seed, const char *format, int quality,
                   void **out, size_t *outlen, char *err, size_t errlen) {
    if (fs_photo_start() != 0) return fail(err, errlen, "libvips did not start");
    VipsImage *t[9] = {0};
    int status = vips_xyz(&t[0], width, height, NULL) || vips_extract_band(t[0], &t[1], 0, NULL) ||
                 vips_extract_band(t[0], &t[2], 1, NULL) || vips_linear1(t[1], &t[3], 255.0 / width, 0, NULL) ||
                 vips_linear1(t[2], &t[4], 255.0 / height, 0, NULL) ||
                 vips_gaussnoise(&t[5], width, height, "mean", 128.0, "sigma", 24.0, "seed", (int)seed, NULL) ||
                 vips_bandjoin((VipsImage *[]){t[3], t[4], t[5]}, &t[6], 3, NULL) || vips_cast_uchar(t[6], &t[7], NULL) ||
                 vips_copy(t[7], &t[8], "interpretation", VIPS_INTERPRETATION_sRGB, NULL);
    void *buffer = NULL;
    size_t buffer_length = 0;
    if (!status) {
        if (strcmp(format, "png") == 0) status = vips_pngsave_buffer(t[8], &buffer, &buffer_length, NULL);
        else if (strcmp(format, "heif") == 0)
            status = vips_heifsave_buffer(t[8], &buffer, &buffer_length, "Q", quality, "compression",
                                          VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, NULL);
        else status = vips_jpegsave_buffer(t[8], &buffer, &buffer_length, "Q", quality, NULL);
    }
    for (int i = 0; i < 9; i++) if (t[i]) g_object_unref(t[i]);
    if (status) return fail(err, errlen, "the test picture could not be made");
    *out = malloc(buffer_length);
    memcpy(*out, buffer, buffer_length);
    *outlen = buffer_length;
    g_free(buffer);
    return 0;
}
