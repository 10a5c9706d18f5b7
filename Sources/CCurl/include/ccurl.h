#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

/// curl_easy_setopt is variadic, which Swift cannot call: one wrapper per argument type.
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);
CURLcode ccurl_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);

/// curl_easy_getinfo is variadic too.
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
