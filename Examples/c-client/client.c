/*
 * A minimal C client of the VendorMatch wire protocol (CONTRACT §4) on protobuf-c: calls Health, then one
 * Shortlist, over one TCP connection to 127.0.0.1 — or, with --tls-ca, over TLS 1.2+ (OpenSSL), trusting
 * that CA and checking the server's certificate against 127.0.0.1.
 *
 * Every message is a gRPC length-prefixed message: 1 byte compression flag (0), 4 bytes big-endian
 * length, then a serialized vendormatch.v1.Frame whose payload holds the request or response message.
 *
 *   vendormatch-c-client [--tls-ca CA.pem] PORT [TOKEN]      exit 0 when both calls succeed
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "vendormatch/v1/vendormatch.pb-c.h"

#define SERVICE "/vendormatch.v1.VendorMatch/"

/* One connection: a socket, and a TLS session on it when ssl is not NULL. */
struct conn {
    int fd;
    SSL *ssl;
};

static int write_all(struct conn *c, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t w = c->ssl ? SSL_write(c->ssl, p, (int)n) : write(c->fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(struct conn *c, uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t r = c->ssl ? SSL_read(c->ssl, p, (int)n) : read(c->fd, p, n);
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Starts TLS (1.2 or later) on c->fd, trusting ca_file only and verifying the certificate names
 * 127.0.0.1; returns 0 on success, else prints OpenSSL's reason. */
static int start_tls(struct conn *c, const char *ca_file) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        fprintf(stderr, "TLS: cannot load CA %s\n", ca_file);
        ERR_print_errors_fp(stderr);
        return -1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    c->ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the SSL keeps its own reference */
    if (c->ssl == NULL || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), "127.0.0.1") != 1 || SSL_set_fd(c->ssl, c->fd) != 1) return -1;
    if (SSL_connect(c->ssl) != 1) {
        fprintf(stderr, "TLS handshake failed (verify result: %s)\n",
                X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
        ERR_print_errors_fp(stderr);
        return -1;
    }
    printf("TLS: %s, %s\n", SSL_get_version(c->ssl), SSL_get_cipher(c->ssl));
    return 0;
}

/* Sends one request frame; returns 0 on success. */
static int send_frame(struct conn *fd, uint64_t id, const char *method, const ProtobufCMessage *request, const char *token) {
    uint8_t *payload = malloc(protobuf_c_message_get_packed_size(request) + 1);
    size_t payload_len = protobuf_c_message_pack(request, payload);

    Vendormatch__V1__Frame frame = VENDORMATCH__V1__FRAME__INIT;
    frame.id = id;
    frame.method = (char *)method;
    frame.payload.data = payload;
    frame.payload.len = payload_len;

    Vendormatch__V1__Frame__MetadataEntry auth = VENDORMATCH__V1__FRAME__METADATA_ENTRY__INIT;
    Vendormatch__V1__Frame__MetadataEntry *entries[1];
    char bearer[512];
    if (token != NULL) {
        snprintf(bearer, sizeof bearer, "Bearer %s", token);
        auth.key = "authorization";
        auth.value = bearer;
        entries[0] = &auth;
        frame.metadata = entries;
        frame.n_metadata = 1;
    }

    size_t len = vendormatch__v1__frame__get_packed_size(&frame);
    uint8_t *buf = malloc(5 + len);
    buf[0] = 0;
    uint32_t be = htonl((uint32_t)len);
    memcpy(buf + 1, &be, 4);
    vendormatch__v1__frame__pack(&frame, buf + 5);
    int rc = write_all(fd, buf, 5 + len);
    free(buf);
    free(payload);
    return rc;
}

/* Reads one response frame (caller frees it with vendormatch__v1__frame__free_unpacked). */
static Vendormatch__V1__Frame *read_frame(struct conn *fd) {
    uint8_t header[5];
    if (read_all(fd, header, 5) != 0) return NULL;
    if (header[0] != 0) {
        fprintf(stderr, "compressed frame from server\n");
        return NULL;
    }
    uint32_t be;
    memcpy(&be, header + 1, 4);
    uint32_t len = ntohl(be);
    if (len > 64u * 1024 * 1024) return NULL;
    uint8_t *buf = malloc(len ? len : 1);
    if (read_all(fd, buf, len) != 0) {
        free(buf);
        return NULL;
    }
    Vendormatch__V1__Frame *frame = vendormatch__v1__frame__unpack(NULL, len, buf);
    free(buf);
    return frame;
}

static int status_code(const Vendormatch__V1__Frame *f) { return f->status ? f->status->code : 0; }

int main(int argc, char **argv) {
    const char *ca_file = NULL;
    if (argc > 2 && strcmp(argv[1], "--tls-ca") == 0) {
        ca_file = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s [--tls-ca CA.pem] PORT [TOKEN]\n", argv[0]);
        return 2;
    }
    const char *token = argc > 2 ? argv[2] : NULL;

    struct conn conn = {socket(AF_INET, SOCK_STREAM, 0), NULL};
    struct conn *fd = &conn;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (conn.fd < 0 || connect(conn.fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 1;
    }
    int one = 1;
    setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (ca_file != NULL && start_tls(&conn, ca_file) != 0) return 1;

    /* Health (no token needed). */
    Vendormatch__V1__HealthRequest health = VENDORMATCH__V1__HEALTH_REQUEST__INIT;
    if (send_frame(fd, 1, SERVICE "Health", &health.base, NULL) != 0) return 1;
    Vendormatch__V1__Frame *f = read_frame(fd);
    if (f == NULL || f->id != 1 || status_code(f) != 0) {
        fprintf(stderr, "Health failed\n");
        return 1;
    }
    Vendormatch__V1__HealthResponse *h = vendormatch__v1__health_response__unpack(NULL, f->payload.len, f->payload.data);
    if (h == NULL) return 1;
    printf("Health: %s (version %s)\n", h->status, h->version);
    int serving = strcmp(h->status, "SERVING") == 0;
    vendormatch__v1__health_response__free_unpacked(h, NULL);
    vendormatch__v1__frame__free_unpacked(f, NULL);
    if (!serving) return 1;

    /* One Shortlist. */
    Vendormatch__V1__ShortlistRequest q = VENDORMATCH__V1__SHORTLIST_REQUEST__INIT;
    char *services[] = {"data.machine-learning"};
    q.id = "c-client-1";
    q.industry = "5221";
    q.size = "1000-9999";
    q.need = "predict which loans will default";
    q.service_types = services;
    q.n_service_types = 1;
    q.k = 5;
    q.explain = 1;
    if (send_frame(fd, 2, SERVICE "Shortlist", &q.base, token) != 0) return 1;
    f = read_frame(fd);
    if (f == NULL || f->id != 2) {
        fprintf(stderr, "Shortlist: no response\n");
        return 1;
    }
    if (status_code(f) != 0) {
        fprintf(stderr, "Shortlist: status %d: %s\n", status_code(f), f->status->message);
        return 1;
    }
    Vendormatch__V1__ShortlistResponse *r = vendormatch__v1__shortlist_response__unpack(NULL, f->payload.len, f->payload.data);
    if (r == NULL) return 1;
    printf("Shortlist %s: %zu vendors of %d candidates\n", r->request_id, r->n_vendors, r->candidate_count);
    for (size_t i = 0; i < r->n_vendors; i++) {
        Vendormatch__V1__RankedVendor *v = r->vendors[i];
        printf("%2zu. %s (%s) score %.3f\n", i + 1, v->name, v->vendor_id, v->score);
        if (v->n_reasons > 0) printf("    - %s\n", v->reasons[0]);
    }
    int ok = r->n_vendors > 0 && r->n_vendors <= 5 && strcmp(r->request_id, "c-client-1") == 0;
    vendormatch__v1__shortlist_response__free_unpacked(r, NULL);
    vendormatch__v1__frame__free_unpacked(f, NULL);
    if (conn.ssl != NULL) {
        SSL_shutdown(conn.ssl);
        SSL_free(conn.ssl);
    }
    close(conn.fd);
    return ok ? 0 : 1;
}
