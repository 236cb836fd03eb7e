// Typed wrappers for libcurl's variadic setters, which Swift cannot call directly.
// Only CurlHTTP includes this module; nothing above it touches a curl handle.
#ifndef SLUICE_CCURL_SHIM_H
#define SLUICE_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*sluice_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode sluice_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

/// Copies `length` bytes into libcurl (CURL_BLOB_COPY), so the caller's buffer may go away.
static inline CURLcode sluice_easy_setopt_blob(CURL *handle, CURLoption option, const void *bytes, size_t length) {
    struct curl_blob blob;
    blob.data = (void *)bytes;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(handle, option, &blob);
}

static inline CURLcode sluice_easy_setopt_data_callback(CURL *handle, CURLoption option, sluice_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode sluice_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sluice_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode sluice_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The result code of a finished transfer (CURLMsg's anonymous union).
static inline CURLcode sluice_multi_message_result(CURLMsg *message) {
    return message->data.result;
}

static const long sluice_http_version_2tls = CURL_HTTP_VERSION_2TLS;
static const long sluice_pipe_multiplex = CURLPIPE_MULTIPLEX;
static const long sluice_global_default = CURL_GLOBAL_DEFAULT;
static const size_t sluice_writefunc_pause = CURL_WRITEFUNC_PAUSE;

#endif
