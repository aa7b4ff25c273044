/*
 * sphinx-worker: Verbatim's PocketSphinx decoders, hosted in one long-lived process (lib/speech/pocketsphinx/worker.ts).
 *
 * Each decoder loads the model once and is lent to one stream (one utterance of one track) at a time; it runs in its
 * own thread, so several decoders use several cores. A stream's cepstral mean (what the decoder learned about the
 * voice) is handed back when the stream ends and handed in again when that track's next utterance opens a stream, on
 * whatever decoder it gets. Interim text is the decoder's own partial hypothesis: nothing is decoded twice.
 *
 * Usage: sphinx-worker [--warm N] [--max-decoders N] [--partial-ms MS] [--decode-threads N] -- POCKETSPHINX_FLAGS...
 *   --warm: decoders loaded at start; --max-decoders: while fewer exist, one more is loaded ahead whenever the last
 *   free one is lent (the pool's size); --decode-threads: how many decoders decode at once (0: no bound); the rest
 *   are the flags of pocketsphinx_continuous.
 *
 * Decoders take turns on the cores: with more decoders busy than cores, each decodes what it was sent in its turn (all
 * it has queued, up to a second of audio), in the order they asked (first come, first served, so none starves), except
 * that a stream whose speaker stopped ('Q') goes first and decodes all it has: its final is what someone waits for,
 * while the others' words are not due yet (measured on 2 cores: 17 speaking streams held, against 12 without it).
 * Twelve decoders all runnable at once would share two cores in the kernel's short time slices, each evicting the
 * others' models from the caches: measured on 2 cores with 12 speaking streams, about 20% of a core per stream that
 * way against 12-14% taking turns a message each, and 11-13% draining the queue in a turn.
 *
 * Input (stdin), frames: u8 type, u32le stream id, u32le payload length, payload.
 *   'O' open a stream (payload: the track's cepstral mean state as float32le values — mean[n], sum[n], frames —
 *       as a 'D' line gave it, or empty for a fresh decoder's)
 *   'A' audio (16 kHz mono s16le)     'E' end (flush: last final, then 'D')     'X' abort (no more output)
 *   'Q' the speaker stopped (payload 1) or speaks again (payload 0): while stopped, the stream's turns come first
 * Output (stdout), one line each, tab-separated:
 *   R <decoders>                          ready (after the warm decoders loaded)
 *   K <id> <samples>                      audio taken by the decoder (backpressure)
 *   P <id> <startFrame> <endFrame> <text> partial hypothesis of the utterance in progress
 *   F <id> <hyp> [<word> <sf> <ef>]...    an utterance ended: hypothesis and its segments (frames of 10 ms from open)
 *   D <id> <mean…,sum…,frames> <decoder>  stream ended; its decoder (0, 1, …) is free again
 *   ! <id> <message>                      the stream failed (e.g. the decoder could not be created)
 * Utterances end as in pocketsphinx_continuous: audio in 2048-sample blocks, an utterance ends when the decoder's
 * voice activity detector says speech stopped (-vad_postspeech frames of quiet).
 */
#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 2048
#define MAX_CMN 64
/* At most this much audio is decoded in one turn (1 s), so a stream far behind does not hold the others up. */
#define TURN_SAMPLES 16000

typedef struct msg_s {
    char type;
    uint32_t id;
    uint32_t len;
    struct msg_s *next;
    unsigned char data[];
} msg_t;

typedef struct slot_s {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    msg_t *head, *tail;
    ps_decoder_t *ps;
    int busy; /* lent to a stream (from open until its end or abort is done) */
    int index; /* which decoder: 0, 1, 2… in order of creation */
    int warming; /* loading its decoder ahead, to be lent next */
    struct slot_s *next;
    /* the stream being decoded */
    uint32_t id;
    int active, utt_started, aborted;
    int16_t block[BLOCK];
    int fill;
    long since_partial;
    char last_partial[4096];
    /* waiting for a turn to decode (take_turn) */
    pthread_cond_t turn_ready;
    int granted;
    int finishing; /* the speaker stopped: its final comes next (set_finishing) */
    struct slot_s *turn_next;
    void *waiting_in; /* the turn queue it waits in, if any */
} slot_t;

static int ps_argc;
static char **ps_argv;
static long partial_samples = 6400;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static slot_t *slots;
/* A fresh decoder's cepstral mean state: the mean from -cmninit, nothing accumulated yet. */
static mfcc_t default_cmn[MAX_CMN];
static int cmn_len = -1;

static void emit(const char *line, size_t n) {
    pthread_mutex_lock(&out_lock);
    fwrite(line, 1, n, stdout);
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
}

static void emitf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emitf(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) emit(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Warnings and errors go to stderr; the model's load log and the per-utterance information lines do not. */
static void log_cb(void *user_data, err_lvl_t level, const char *fmt, ...) {
    (void)user_data;
    if (level < ERR_WARN) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static void set_finishing(slot_t *s, int finishing);

static ps_decoder_t *new_decoder(void) {
    pthread_mutex_lock(&init_lock);
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), ps_argc, ps_argv, TRUE);
    ps_decoder_t *ps = config ? ps_init(config) : NULL;
    if (config) cmd_ln_free_r(config);
    if (ps && cmn_len < 0) {
        cmn_t *cmn = ps_get_feat(ps)->cmn_struct;
        cmn_len = cmn->veclen < MAX_CMN ? cmn->veclen : MAX_CMN;
        memcpy(default_cmn, cmn->cmn_mean, cmn_len * sizeof(mfcc_t));
    }
    pthread_mutex_unlock(&init_lock);
    return ps;
}

static int filler(const char *w) {
    return w[0] == '<' || w[0] == '[' || (w[0] == '+' && w[1] == '+');
}

/* The growing line of a final or partial result. */
typedef struct { char *buf; size_t len, cap; } line_t;

static void put(line_t *l, const char *s) {
    size_t n = strlen(s);
    if (l->len + n + 1 > l->cap) {
        l->cap = (l->len + n + 1) * 2;
        l->buf = realloc(l->buf, l->cap);
    }
    memcpy(l->buf + l->len, s, n + 1);
    l->len += n;
}

static void clean(char *s) { /* a tab or newline in a word would break the line protocol */
    for (; *s; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r') *s = ' ';
}

static void emit_final(slot_t *s) {
    char const *hyp = ps_get_hyp(s->ps, NULL);
    line_t l = {0};
    char num[64];
    snprintf(num, sizeof num, "F\t%u\t", s->id);
    put(&l, num);
    char *h = strdup(hyp ? hyp : "");
    clean(h);
    put(&l, h);
    free(h);
    for (ps_seg_t *it = ps_seg_iter(s->ps); it; it = ps_seg_next(it)) {
        int sf, ef;
        ps_seg_frames(it, &sf, &ef);
        char *w = strdup(ps_seg_word(it));
        clean(w);
        put(&l, "\t");
        put(&l, w);
        free(w);
        snprintf(num, sizeof num, " %d %d", sf, ef);
        put(&l, num);
    }
    put(&l, "\n");
    emit(l.buf, l.len);
    free(l.buf);
    s->last_partial[0] = 0;
}

static void emit_partial(slot_t *s) {
    char const *hyp = ps_get_hyp(s->ps, NULL);
    if (!hyp || !*hyp || strcmp(hyp, s->last_partial) == 0) return;
    snprintf(s->last_partial, sizeof s->last_partial, "%s", hyp);
    int first = -1, last = -1;
    for (ps_seg_t *it = ps_seg_iter(s->ps); it; it = ps_seg_next(it)) {
        int sf, ef;
        if (filler(ps_seg_word(it))) continue;
        ps_seg_frames(it, &sf, &ef);
        if (first < 0) first = sf;
        last = ef;
    }
    if (first < 0) return;
    line_t l = {0};
    char head[96];
    snprintf(head, sizeof head, "P\t%u\t%d\t%d\t", s->id, first, last + 1);
    put(&l, head);
    char *h = strdup(hyp);
    clean(h);
    put(&l, h);
    free(h);
    put(&l, "\n");
    emit(l.buf, l.len);
    free(l.buf);
}

/* One block of audio through the decoder, as pocketsphinx_continuous does it. */
static void decode_block(slot_t *s, const int16_t *pcm, int n) {
    ps_process_raw(s->ps, pcm, n, FALSE, FALSE);
    int in_speech = ps_get_in_speech(s->ps);
    if (in_speech && !s->utt_started) {
        s->utt_started = 1;
        s->since_partial = 0;
    }
    if (!in_speech && s->utt_started) {
        ps_end_utt(s->ps);
        emit_final(s);
        ps_start_utt(s->ps);
        s->utt_started = 0;
    } else if (s->utt_started && partial_samples > 0) {
        s->since_partial += n;
        if (s->since_partial >= partial_samples) {
            s->since_partial = 0;
            emit_partial(s);
        }
    }
}

static void release_slot(slot_t *s) {
    s->active = 0;
    pthread_mutex_lock(&slots_lock);
    s->busy = 0;
    pthread_mutex_unlock(&slots_lock);
}

/* Called in a turn; its decoder was loaded before the turn (slot_main), or could not be. */
static void on_open(slot_t *s, msg_t *m) {
    if (!s->ps) {
        s->active = 0;
        release_slot(s);
        emitf("!\t%u\tthe PocketSphinx decoder could not be created (see the worker's error output)\n", m->id);
        return;
    }
    s->id = m->id;
    s->active = 1;
    s->aborted = 0;
    s->utt_started = 0;
    s->fill = 0;
    s->last_partial[0] = 0;
    ps_start_stream(s->ps);
    mfcc_t mean[MAX_CMN];
    int n = m->len / sizeof(float);
    memcpy(mean, default_cmn, sizeof mean);
    for (int i = 0; i < n && i < cmn_len; i++) {
        float v;
        memcpy(&v, m->data + i * sizeof(float), sizeof v);
        mean[i] = v;
    }
    /* The track's state exactly as its last stream left it (mean, sums, frames), or a fresh decoder's. */
    cmn_t *cmn = ps_get_feat(s->ps)->cmn_struct;
    memcpy(cmn->cmn_mean, mean, cmn_len * sizeof(mfcc_t));
    memset(cmn->sum, 0, cmn_len * sizeof(mfcc_t));
    cmn->nframe = 0;
    if (n >= 2 * cmn_len + 1) {
        for (int i = 0; i < cmn_len; i++) {
            float v;
            memcpy(&v, m->data + (cmn_len + i) * sizeof(float), sizeof v);
            cmn->sum[i] = v;
        }
        float frames;
        memcpy(&frames, m->data + 2 * cmn_len * sizeof(float), sizeof frames);
        cmn->nframe = (int32)frames;
    }
    ps_start_utt(s->ps);
}

static void on_audio(slot_t *s, msg_t *m) {
    if (!s->active || s->id != m->id) return; /* a stream whose open failed */
    const unsigned char *p = m->data;
    uint32_t samples = m->len / 2;
    for (uint32_t i = 0; i < samples; i++) {
        s->block[s->fill++] = (int16_t)(p[2 * i] | (p[2 * i + 1] << 8));
        if (s->fill == BLOCK) {
            decode_block(s, s->block, BLOCK);
            s->fill = 0;
        }
    }
    emitf("K\t%u\t%u\n", s->id, samples);
}

static void on_end(slot_t *s, msg_t *m) {
    if (!s->active || s->id != m->id) {
        /* a stream whose open failed (its slot was released then, and may serve another stream now) */
        if (m->type == 'E') emitf("D\t%u\t\t%d\n", m->id, s->index);
        return;
    }
    set_finishing(s, 0);
    if (s->fill > 0 && m->type == 'E') decode_block(s, s->block, s->fill);
    s->fill = 0;
    ps_end_utt(s->ps);
    if (s->utt_started && m->type == 'E') emit_final(s);
    s->utt_started = 0;
    if (m->type != 'E') {
        release_slot(s);
        return;
    }
    cmn_t *cmn = ps_get_feat(s->ps)->cmn_struct;
    line_t l = {0};
    char num[64];
    snprintf(num, sizeof num, "D\t%u\t", s->id);
    put(&l, num);
    for (int i = 0; i < 2 * cmn_len; i++) {
        double v = i < cmn_len ? cmn->cmn_mean[i] : cmn->sum[i - cmn_len];
        snprintf(num, sizeof num, i ? ",%.9g" : "%.9g", v);
        put(&l, num);
    }
    snprintf(num, sizeof num, ",%d", (int)cmn->nframe);
    put(&l, num);
    snprintf(num, sizeof num, "\t%d\n", s->index);
    put(&l, num);
    /* Free before it is said: the server lends the decoder again as soon as it hears, and must find it free. */
    release_slot(s);
    emit(l.buf, l.len);
    free(l.buf);
}

static int decode_threads = 0; /* decoders decoding at once (0: no bound) */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static int decoding = 0; /* slots in a turn now */

/* Slots waiting for a turn, first come first: those whose speaker stopped (their final is next) ahead of the rest. */
typedef struct { slot_t *head, *tail; } turn_queue_t;
static turn_queue_t finishing_queue, speaking_queue;

static void queue_push(turn_queue_t *q, slot_t *s) {
    s->turn_next = NULL;
    if (q->tail) q->tail->turn_next = s;
    else q->head = s;
    q->tail = s;
    s->waiting_in = q;
}

static void queue_remove(turn_queue_t *q, slot_t *s) {
    slot_t *prev = NULL;
    for (slot_t *it = q->head; it; prev = it, it = it->turn_next) {
        if (it != s) continue;
        if (prev) prev->turn_next = s->turn_next;
        else q->head = s->turn_next;
        if (q->tail == s) q->tail = prev;
        break;
    }
    s->waiting_in = NULL;
}

/* Waits for a turn to decode: at most decode_threads at once, granted in the order asked (finishing slots first); only
 * the slot whose turn comes is woken. */
static void take_turn(slot_t *s) {
    if (decode_threads <= 0) return;
    pthread_mutex_lock(&turn_lock);
    if (decoding < decode_threads && !finishing_queue.head && !speaking_queue.head) {
        decoding++;
    } else {
        s->granted = 0;
        queue_push(s->finishing ? &finishing_queue : &speaking_queue, s);
        while (!s->granted) pthread_cond_wait(&s->turn_ready, &turn_lock);
    }
    pthread_mutex_unlock(&turn_lock);
}

/* Hands the turn to the first slot waiting (finishing ones first), or frees it. */
static void end_turn(void) {
    if (decode_threads <= 0) return;
    pthread_mutex_lock(&turn_lock);
    turn_queue_t *q = finishing_queue.head ? &finishing_queue : &speaking_queue;
    slot_t *next = q->head;
    if (next) {
        queue_remove(q, next);
        next->granted = 1;
        pthread_cond_signal(&next->turn_ready);
    } else {
        decoding--;
    }
    pthread_mutex_unlock(&turn_lock);
}

/* The speaker stopped ('Q', from the server's voice activity detector): this slot's final is what is waited for now,
 * so its turns come before those of slots still hearing speech, until that final is out. */
static void set_finishing(slot_t *s, int finishing) {
    pthread_mutex_lock(&turn_lock);
    s->finishing = finishing;
    if (finishing && s->waiting_in == &speaking_queue) {
        queue_remove(&speaking_queue, s);
        queue_push(&finishing_queue, s);
    }
    pthread_mutex_unlock(&turn_lock);
}

static int is_finishing(slot_t *s) {
    pthread_mutex_lock(&turn_lock);
    int finishing = s->finishing;
    pthread_mutex_unlock(&turn_lock);
    return finishing;
}

/* The slot's next message, when it can be handled in the turn under way: not a model to load. */
static msg_t *next_in_turn(slot_t *s) {
    pthread_mutex_lock(&s->lock);
    msg_t *m = s->head;
    if (m && (m->type == 'W' || (m->type == 'O' && !s->ps))) m = NULL;
    if (m) {
        s->head = m->next;
        if (!s->head) s->tail = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return m;
}

static void *slot_main(void *arg) {
    slot_t *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (!s->head) pthread_cond_wait(&s->ready, &s->lock);
        msg_t *m = s->head;
        s->head = m->next;
        if (!s->head) s->tail = NULL;
        pthread_mutex_unlock(&s->lock);
        if (m->type == 'W') {
            if (!s->ps) s->ps = new_decoder();
            pthread_mutex_lock(&slots_lock);
            s->busy = 0;
            s->warming = 0;
            pthread_mutex_unlock(&slots_lock);
            free(m);
            continue;
        }
        /* A model loads outside the turns: it is not decoding, and it must not hold up those who are. */
        if (m->type == 'O' && !s->ps) s->ps = new_decoder();
        take_turn(s);
        /* The turn goes on through what else this stream has queued meanwhile (up to TURN_SAMPLES of audio, or all of
         * it once the speaker stopped: its final is what is waited for): blocks decoded one after another find the
         * model in the caches, where one block a turn finds it evicted by the others' turns. Under load the queues
         * grow, so the turns do too. */
        long taken = 0;
        while (m) {
            if (m->type == 'O') on_open(s, m);
            else if (m->type == 'A') {
                on_audio(s, m);
                taken += m->len / 2;
            } else on_end(s, m);
            free(m);
            m = taken < TURN_SAMPLES || is_finishing(s) ? next_in_turn(s) : NULL;
        }
        end_turn();
    }
    return NULL;
}

static void enqueue(slot_t *s, msg_t *m) {
    m->next = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->tail) s->tail->next = m;
    else s->head = m;
    s->tail = m;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
}

static int max_decoders = 0; /* spare decoders are loaded ahead up to this many in all (0: none ahead) */
static int n_slots = 0;

/* A new slot and its thread, busy. Called with slots_lock held. */
static slot_t *new_slot(void) {
    slot_t *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->ready, NULL);
    pthread_cond_init(&s->turn_ready, NULL);
    s->index = n_slots++;
    s->busy = 1;
    s->next = slots;
    slots = s;
    pthread_create(&s->thread, NULL, slot_main, s);
    return s;
}

/* Loads a decoder in a new slot's own thread; the slot is free once it has. Called with slots_lock held. */
static void warm_slot(void) {
    slot_t *s = new_slot();
    s->warming = 1;
    msg_t *m = calloc(1, sizeof *m);
    m->type = 'W';
    enqueue(s, m);
}

/*
 * A free decoder slot (one that has a decoder first, the oldest first), or a new one; marked busy. Called by the reader thread only.
 * When it lends the last free decoder, the next one starts loading (up to max_decoders), so the next utterance
 * finds its model loaded, as the first does.
 */
static slot_t *lend_slot(void) {
    pthread_mutex_lock(&slots_lock);
    slot_t *pick = NULL;
    for (slot_t *s = slots; s; s = s->next)
        if (!s->busy && (!pick || (s->ps && !pick->ps) || (!s->ps == !pick->ps && s->index < pick->index))) pick = s;
    if (!pick) pick = new_slot();
    pick->busy = 1;
    int spare = 0;
    for (slot_t *s = slots; s; s = s->next)
        if (!s->busy || s->warming) spare++;
    if (spare == 0 && n_slots < max_decoders) {
        warm_slot();
    }
    pthread_mutex_unlock(&slots_lock);
    return pick;
}

/* Which slot each open stream is on: a small open-addressing table would do; streams are few, a list is enough. */
typedef struct route_s { uint32_t id; slot_t *slot; struct route_s *next; } route_t;
static route_t *routes;

static slot_t *route_of(uint32_t id, int remove) {
    for (route_t **r = &routes; *r; r = &(*r)->next) {
        if ((*r)->id != id) continue;
        slot_t *s = (*r)->slot;
        if (remove) {
            route_t *gone = *r;
            *r = gone->next;
            free(gone);
        }
        return s;
    }
    return NULL;
}

static int read_full(void *buf, size_t n) {
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = read(0, p, n);
        if (k <= 0) return 0;
        p += k;
        n -= (size_t)k;
    }
    return 1;
}

int main(int argc, char **argv) {
    int warm = 1, i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (!strcmp(argv[i], "--warm") && i + 1 < argc) warm = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--partial-ms") && i + 1 < argc) partial_samples = atol(argv[++i]) * 16;
        else if (!strcmp(argv[i], "--max-decoders") && i + 1 < argc) max_decoders = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--decode-threads") && i + 1 < argc) decode_threads = atoi(argv[++i]);
        else { fprintf(stderr, "sphinx-worker: unknown option %s\n", argv[i]); return 2; }
    }
    err_set_callback(log_cb, NULL);
    ps_argc = argc - i;
    ps_argv = argv + i;
    /* The decoders' configuration is checked once, here, so a bad flag fails the worker, not a stream. */
    ps_decoder_t *first = new_decoder();
    if (!first) { fprintf(stderr, "sphinx-worker: the PocketSphinx configuration or model could not be loaded\n"); return 1; }
    pthread_mutex_lock(&slots_lock);
    slot_t *s0 = new_slot();
    s0->ps = first;
    s0->busy = 0;
    for (int w = 1; w < warm; w++) warm_slot(); /* each loads its decoder in its own thread */
    pthread_mutex_unlock(&slots_lock);
    emitf("R\t%d\n", warm);
    for (;;) {
        unsigned char head[9];
        if (!read_full(head, sizeof head)) break;
        uint32_t id = head[1] | head[2] << 8 | head[3] << 16 | (uint32_t)head[4] << 24;
        uint32_t len = head[5] | head[6] << 8 | head[7] << 16 | (uint32_t)head[8] << 24;
        if (len > (1u << 24)) { fprintf(stderr, "sphinx-worker: frame of %u bytes refused\n", len); return 3; }
        msg_t *m = malloc(sizeof *m + len);
        m->type = (char)head[0];
        m->id = id;
        m->len = len;
        if (len && !read_full(m->data, len)) { free(m); break; }
        slot_t *s;
        switch (m->type) {
        case 'O':
            if (route_of(id, 0)) { emitf("!\t%u\tstream id already open\n", id); free(m); break; }
            s = lend_slot();
            set_finishing(s, 0); /* here, not in the slot's thread: a 'Q' may follow the 'O' at once */
            route_t *r = malloc(sizeof *r);
            r->id = id;
            r->slot = s;
            r->next = routes;
            routes = r;
            enqueue(s, m);
            break;
        case 'A':
            if ((s = route_of(id, 0))) enqueue(s, m);
            else { emitf("!\t%u\tno such stream\n", id); free(m); }
            break;
        case 'Q':
            if ((s = route_of(id, 0))) set_finishing(s, len > 0 && m->data[0] == 1);
            free(m);
            break;
        case 'E':
        case 'X':
            if ((s = route_of(id, 1))) enqueue(s, m);
            else { if (m->type == 'E') emitf("D\t%u\t\t-1\n", id); free(m); }
            break;
        default:
            fprintf(stderr, "sphinx-worker: unknown frame type %d\n", head[0]);
            return 3;
        }
    }
    /* stdin closed: finish what was sent (streams ended before the close get their last final), then exit. */
    for (;;) {
        int idle = 1;
        pthread_mutex_lock(&slots_lock);
        for (slot_t *s = slots; s; s = s->next) {
            pthread_mutex_lock(&s->lock);
            if (s->head || (s->busy && s->active)) idle = 0;
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&slots_lock);
        if (idle) break;
        usleep(10000);
    }
    return 0;
}
