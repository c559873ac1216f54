/* Number text ids in order of first appearance with one open-addressing hash table (an optional speed-up of
 * footprint._text_ids; without it, Arrow's dictionary_encode gives the same numbers).
 *
 * number_strings(chunks, codes, firsts) -> k
 *
 * chunks: a sequence of (offsets, data, valid) for Arrow large_string arrays: offsets int64 (one more than the
 * strings, absolute positions in data), data uint8, valid uint8 (0 for a null) or None. codes (int32, one per
 * string) receives each string's number, -1 for a null; firsts (int32, one per string) the position of each
 * number's first string, counted over all chunks. Returns the count of distinct strings.
 *
 * Why: numbering a catalogue's millions of item id cells is a hash table lookup per cell, and its cost is the
 * cache misses of a table larger than the cache. Each slot keeps the first 16 bytes, the length and the hash
 * of its string, so that comparing an id of up to 16 bytes never reads its first occurrence elsewhere in
 * memory, and the slot of the id 16 cells ahead is fetched while the current one is compared.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

typedef struct {
    uint64_t k0, k1; /* the first 16 bytes, zero-padded */
    uint64_t hash;
    int32_t code; /* number + 1; 0 for an empty slot */
    int32_t len;  /* length, capped at INT32_MAX (longer strings compare their bytes anyway) */
} slot_t;

typedef struct {
    slot_t *tab;
    uint64_t cap, mask;
    int64_t k;
} table_t;

typedef struct {
    const int64_t *off;
    const uint8_t *data;
    const uint8_t *valid;
    int64_t n, data_len;
} chunk_t;

#define AHEAD 16

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address)) /* compilers without it: the same numbers, fetched on demand */
#endif

/* The bits of each hash kept: all but in tests, which keep few so that distinct ids collide and the byte
 * comparisons that make the numbering exact are exercised (keep_hash_bits). */
static uint64_t hash_kept = ~(uint64_t)0;

static inline uint64_t read64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t read_tail(const uint8_t *p, int64_t n) {
    uint64_t v = 0;
    memcpy(&v, p, (size_t)n);
    return v;
}

/* The first 16 bytes (zero-padded) and a hash of every byte and the length. */
static inline uint64_t key_of(const uint8_t *p, int64_t len, uint64_t *k0, uint64_t *k1) {
    uint64_t a = 0, b = 0;
    if (len >= 16) {
        a = read64(p);
        b = read64(p + 8);
    } else if (len >= 8) {
        a = read64(p);
        b = read_tail(p + 8, len - 8);
    } else {
        a = read_tail(p, len);
    }
    uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xbf58476d1ce4e5b9ULL) ^ (uint64_t)len;
    int64_t i = 16;
    for (; i + 8 <= len; i += 8) {
        h = (h ^ read64(p + i)) * 0x94d049bb133111ebULL;
        h ^= h >> 31;
    }
    if (i < len) {
        h = (h ^ read_tail(p + i, len - i)) * 0x94d049bb133111ebULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    *k0 = a;
    *k1 = b;
    return h & hash_kept;
}

/* A zeroed table of cap slots, and its release. On Linux it is mapped from the system directly, aligned to
 * and advised into huge pages: the table is touched at random, and mapping it 4 kB at a time cost more than
 * the lookups themselves; a mapping is also given back to the system when it is released, where the heap
 * would keep its tens of MB in the process's memory for the rest of the run. */
#ifdef __linux__
#define HUGE_PAGE ((size_t)1 << 21)

static slot_t *new_table(uint64_t cap) {
    size_t bytes = (size_t)cap * sizeof(slot_t), span = bytes + HUGE_PAGE;
    uint8_t *mem = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return NULL;
    }
    size_t head = (HUGE_PAGE - ((uintptr_t)mem & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
    if (head > 0) {
        munmap(mem, head);
    }
    if (span - head > bytes) {
        munmap(mem + head + bytes, span - head - bytes);
    }
    madvise(mem + head, bytes, MADV_HUGEPAGE); /* zeroed by the system, page by page as touched */
    return (slot_t *)(mem + head);
}

static void free_table(slot_t *tab, uint64_t cap) {
    if (tab != NULL) {
        munmap(tab, (size_t)cap * sizeof(slot_t));
    }
}
#else
static slot_t *new_table(uint64_t cap) { return (slot_t *)calloc(cap, sizeof(slot_t)); }

static void free_table(slot_t *tab, uint64_t cap) {
    (void)cap;
    free(tab);
}
#endif

/* Double the table once it is 70 % full (slots move by their kept hash). */
static int grow(table_t *t) {
    uint64_t cap = t->cap * 2, mask = cap - 1;
    slot_t *tab = new_table(cap);
    if (tab == NULL) {
        return -1;
    }
    for (uint64_t s = 0; s < t->cap; s++) {
        if (t->tab[s].code != 0) {
            uint64_t q = t->tab[s].hash & mask;
            while (tab[q].code != 0) {
                q = (q + 1) & mask;
            }
            tab[q] = t->tab[s];
        }
    }
    free_table(t->tab, t->cap);
    t->tab = tab;
    t->cap = cap;
    t->mask = mask;
    return 0;
}

/* The number of string i of chunk c (at position `at` over all chunks), a new one if it is new. */
static inline int64_t lookup(table_t *t, const chunk_t *c, int64_t i, int64_t at, uint64_t h, uint64_t k0,
                             uint64_t k1, int32_t *firsts, const chunk_t *chunks, const int64_t *chunk_at,
                             int64_t n_chunks) {
    int64_t len = c->off[i + 1] - c->off[i];
    int32_t len32 = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    for (uint64_t s = h & t->mask;; s = (s + 1) & t->mask) {
        slot_t *sl = &t->tab[s];
        if (sl->code == 0) {
            sl->k0 = k0;
            sl->k1 = k1;
            sl->hash = h;
            sl->len = len32;
            sl->code = (int32_t)(t->k + 1);
            firsts[t->k] = (int32_t)at;
            return t->k++;
        }
        if (sl->hash != h || sl->len != len32 || sl->k0 != k0 || sl->k1 != k1) {
            continue;
        }
        if (len <= 16) {
            return sl->code - 1;
        }
        /* a longer id: compare the rest with its first occurrence, found by its position over all chunks */
        int64_t first = firsts[sl->code - 1], j = 0;
        while (j + 1 < n_chunks && chunk_at[j + 1] <= first) {
            j++;
        }
        const chunk_t *fc = &chunks[j];
        int64_t fi = first - chunk_at[j];
        if (fc->off[fi + 1] - fc->off[fi] == len &&
            memcmp(fc->data + fc->off[fi] + 16, c->data + c->off[i] + 16, (size_t)(len - 16)) == 0) {
            return sl->code - 1;
        }
    }
}

/* Number every string of every chunk; -1 when the table cannot grow (out of memory). */
static int number_all(table_t *t, const chunk_t *chunks, const int64_t *chunk_at, int64_t n_chunks,
                      int32_t *codes, int32_t *firsts) {
    uint64_t k0s[AHEAD], k1s[AHEAD], hs[AHEAD];
    for (int64_t c = 0; c < n_chunks; c++) {
        const chunk_t *ch = &chunks[c];
        for (int64_t i = 0; i < ch->n && i < AHEAD; i++) {
            hs[i] = key_of(ch->data + ch->off[i], ch->off[i + 1] - ch->off[i], &k0s[i], &k1s[i]);
        }
        for (int64_t i = 0; i < ch->n; i++) {
            int a = (int)(i % AHEAD);
            uint64_t h = hs[a], k0 = k0s[a], k1 = k1s[a];
            int64_t ahead = i + AHEAD;
            if (ahead < ch->n) {
                hs[a] = key_of(ch->data + ch->off[ahead], ch->off[ahead + 1] - ch->off[ahead], &k0s[a], &k1s[a]);
                PREFETCH(&t->tab[hs[a] & t->mask]);
            }
            int64_t at = chunk_at[c] + i;
            if (ch->valid != NULL && ch->valid[i] == 0) {
                codes[at] = -1;
                continue;
            }
            codes[at] = (int32_t)lookup(t, ch, i, at, h, k0, k1, firsts, chunks, chunk_at, n_chunks);
            if ((uint64_t)t->k * 10 > t->cap * 7 && grow(t) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Check one chunk's offsets against its data (every offset within it, never decreasing). */
static int check_chunk(const chunk_t *c) {
    if (c->off[0] < 0 || c->off[c->n] > c->data_len) {
        return -1;
    }
    for (int64_t i = 0; i < c->n; i++) {
        if (c->off[i + 1] < c->off[i]) {
            return -1;
        }
    }
    return 0;
}

static int get_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) != 0) {
        return -1;
    }
    if (view->itemsize != itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: items of %zd bytes expected, got %zd", what, itemsize, view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static PyObject *number_strings(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *seq_in, *codes_obj, *firsts_obj;
    if (!PyArg_ParseTuple(args, "OOO", &seq_in, &codes_obj, &firsts_obj)) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(seq_in, "chunks must be a sequence of (offsets, data, valid)");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n_chunks = PySequence_Fast_GET_SIZE(seq);
    Py_buffer *views = PyMem_Calloc((size_t)(3 * n_chunks + 2), sizeof(Py_buffer));
    chunk_t *chunks = PyMem_Calloc((size_t)n_chunks + 1, sizeof(chunk_t));
    int64_t *chunk_at = PyMem_Calloc((size_t)n_chunks + 1, sizeof(int64_t));
    int *held = PyMem_Calloc((size_t)(3 * n_chunks + 2), sizeof(int));
    PyObject *result = NULL;
    table_t t = {NULL, 0, 0, 0};
    if (views == NULL || chunks == NULL || chunk_at == NULL || held == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t total = 0;
    for (Py_ssize_t c = 0; c < n_chunks; c++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, c);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            PyErr_SetString(PyExc_TypeError, "each chunk must be a tuple (offsets, data, valid)");
            goto done;
        }
        Py_buffer *v = &views[3 * c];
        if (get_buffer(PyTuple_GET_ITEM(item, 0), &v[0], 0, 8, "offsets") != 0) goto done;
        held[3 * c] = 1;
        if (get_buffer(PyTuple_GET_ITEM(item, 1), &v[1], 0, 1, "data") != 0) goto done;
        held[3 * c + 1] = 1;
        int64_t n = (int64_t)(v[0].len / 8) - 1;
        if (n < 0) {
            PyErr_SetString(PyExc_ValueError, "offsets: one more than the strings expected, got none");
            goto done;
        }
        chunks[c] = (chunk_t){(const int64_t *)v[0].buf, (const uint8_t *)v[1].buf, NULL, n, (int64_t)v[1].len};
        PyObject *valid = PyTuple_GET_ITEM(item, 2);
        if (valid != Py_None) {
            if (get_buffer(valid, &v[2], 0, 1, "valid") != 0) goto done;
            held[3 * c + 2] = 1;
            if (v[2].len != n) {
                PyErr_SetString(PyExc_ValueError, "valid: one flag per string expected");
                goto done;
            }
            chunks[c].valid = (const uint8_t *)v[2].buf;
        }
        if (check_chunk(&chunks[c]) != 0) {
            PyErr_SetString(PyExc_ValueError, "offsets: positions within the data, never decreasing, expected");
            goto done;
        }
        chunk_at[c] = total;
        total += n;
    }
    chunk_at[n_chunks] = total;
    if (total >= INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "more strings than 32-bit codes can number");
        goto done;
    }
    Py_buffer *cv = &views[3 * n_chunks], *fv = &views[3 * n_chunks + 1];
    if (get_buffer(codes_obj, cv, 1, 4, "codes") != 0) goto done;
    held[3 * n_chunks] = 1;
    if (get_buffer(firsts_obj, fv, 1, 4, "firsts") != 0) goto done;
    held[3 * n_chunks + 1] = 1;
    if (cv->len / 4 < total || fv->len / 4 < total) {
        PyErr_SetString(PyExc_ValueError, "codes and firsts: one item per string expected");
        goto done;
    }
    t.cap = 1024;
    while (t.cap * 14 < (uint64_t)total * 5) { /* room for distinct ids up to a quarter of the strings */
        t.cap *= 2;
    }
    t.mask = t.cap - 1;
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    t.tab = new_table(t.cap);
    failed = t.tab == NULL || number_all(&t, chunks, chunk_at, n_chunks, (int32_t *)cv->buf, (int32_t *)fv->buf) != 0;
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyLong_FromLongLong(t.k);
done:
    free_table(t.tab, t.cap);
    if (held != NULL && views != NULL) {
        for (Py_ssize_t j = 0; j < 3 * n_chunks + 2; j++) {
            if (held[j]) PyBuffer_Release(&views[j]);
        }
    }
    PyMem_Free(views);
    PyMem_Free(chunks);
    PyMem_Free(chunk_at);
    PyMem_Free(held);
    Py_DECREF(seq);
    return result;
}

static PyObject *keep_hash_bits(PyObject *self, PyObject *arg) {
    (void)self;
    long bits = PyLong_AsLong(arg);
    if (bits == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (bits < 0 || bits > 64) {
        PyErr_SetString(PyExc_ValueError, "bits: 0 to 64 expected");
        return NULL;
    }
    hash_kept = bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"number_strings", number_strings, METH_VARARGS,
     "number_strings(chunks, codes, firsts) -> k: number Arrow large_string chunks in order of first appearance."},
    {"keep_hash_bits", keep_hash_bits, METH_O,
     "keep_hash_bits(bits): keep only the low bits of every hash (64: all), to test colliding ids."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_strhash", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__strhash(void) { return PyModule_Create(&module); }
