/*
 * ipp_bm25(): the search backend's BM25 for SQLite FTS5, given each phrase's IDF by the caller.
 *
 * FTS5's own bm25() works out the IDF of every phrase of the full-text expression before it scores the
 * first row, by walking the phrase's whole document list to count its documents — for a word in a
 * quarter of a million documents, on every search. The backend already remembers those counts
 * (search.backends.database._document_frequency), so this function takes them as arguments and does
 * the rest as bm25() does: the same column weights, the same k1 = 1.2 and b = 0.75, the same average
 * document length from FTS5's totals, the same sums in the same order — given the IDFs bm25() would
 * compute, it returns the same score to the last bit (tests/search/test_native_ranking.py).
 *
 *     ipp_bm25(search_fts, <one weight per column>, <one IDF per phrase, in the expression's order>)
 *
 * Once per statement: what it reads from its arguments on the first row is kept for the statement
 * (FTS5 keeps a function's data per query, not per call), so a second call with other arguments is
 * an error rather than a score.
 *
 * With it, ipp_holds(search_fts, first, count) says whether the row holds any of a run of the
 * expression's phrases, which the backend asked with a subquery walking their document lists.
 *
 * Built by the Makefile into the virtual environment when a C compiler and SQLite's header are at hand,
 * and registered by search.native for every SQLite connection the process opens
 * (sqlite3_auto_extension); without it the backend uses bm25().
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sqlite3.h>

#define K1 1.2
#define B 0.75

/* Ends a call with an error whose message is formatted as sqlite3_mprintf() does. */
static void fail(sqlite3_context *ctx, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    char *message = sqlite3_vmprintf(format, arguments);
    va_end(arguments);
    if (message) {
        sqlite3_result_error(ctx, message, -1);
        sqlite3_free(message);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
}

/* What one statement's scoring needs, read from its arguments and FTS5's totals on its first row. */
typedef struct {
    int columns, phrases;
    double average_length;
    double *weight; /* per column */
    double *idf;    /* per phrase */
    double *freq;   /* per phrase: weighted occurrences in the row being scored */
} Scoring;

static Scoring *scoring_of(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n,
                           sqlite3_value **values) {
    Scoring *s = api->xGetAuxdata(fts, 0);
    if (s) {
        int same = n == s->columns + s->phrases;
        for (int i = 0; same && i < n; i++) {
            same = sqlite3_value_double(values[i]) == (i < s->columns ? s->weight[i] : s->idf[i - s->columns]);
        }
        if (same) return s;
        sqlite3_result_error(ctx, "ipp_bm25: called with different arguments in one statement", -1);
        return 0;
    }
    int columns = api->xColumnCount(fts), phrases = api->xPhraseCount(fts);
    if (n != columns + phrases) {
        fail(ctx, "ipp_bm25: %d arguments after the table, expected %d column weights and %d phrase IDFs", n,
             columns, phrases);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int type = sqlite3_value_numeric_type(values[i]);
        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
            fail(ctx, "ipp_bm25: argument %d after the table is not a number", i + 1);
            return 0;
        }
    }
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return 0;
    }
    s = sqlite3_malloc64(sizeof(Scoring) + sizeof(double) * (sqlite3_uint64)(columns + 2 * phrases));
    if (!s) {
        sqlite3_result_error_nomem(ctx);
        return 0;
    }
    s->columns = columns;
    s->phrases = phrases;
    s->average_length = (double)tokens / (double)(rows > 0 ? rows : 1);
    s->weight = (double *)&s[1];
    s->idf = s->weight + columns;
    s->freq = s->idf + phrases;
    for (int i = 0; i < columns; i++) s->weight[i] = sqlite3_value_double(values[i]);
    for (int i = 0; i < phrases; i++) s->idf[i] = sqlite3_value_double(values[columns + i]);
    rc = api->xSetAuxdata(fts, s, sqlite3_free); /* frees s itself when it fails */
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return 0;
    }
    return s;
}

static void ipp_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n,
                     sqlite3_value **values) {
    Scoring *s = scoring_of(api, fts, ctx, n, values);
    if (!s) return;
    memset(s->freq, 0, sizeof(double) * (size_t)s->phrases);
    int count = 0, rc = api->xInstCount(fts, &count);
    for (int i = 0; rc == SQLITE_OK && i < count; i++) {
        int phrase, column, offset;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK) s->freq[phrase] += column < s->columns ? s->weight[column] : 1.0;
    }
    int length = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double score = 0.0, norm = K1 * (1 - B + B * (double)length / s->average_length);
    for (int i = 0; i < s->phrases; i++) {
        score += s->idf[i] * ((s->freq[i] * (K1 + 1.0)) / (s->freq[i] + norm));
    }
    sqlite3_result_double(ctx, -1.0 * score);
}

/* ipp_holds(search_fts, first, count): 1 when the row holds any of the count phrases of the expression
 * from the first (0-based, in the order they are written), else 0 — what a statement would otherwise
 * learn with a subquery walking those phrases' document lists. */
static void ipp_holds(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n,
                      sqlite3_value **values) {
    if (n != 2) {
        sqlite3_result_error(ctx, "ipp_holds: expected the first phrase and how many", -1);
        return;
    }
    if (sqlite3_value_numeric_type(values[0]) != SQLITE_INTEGER ||
        sqlite3_value_numeric_type(values[1]) != SQLITE_INTEGER) {
        sqlite3_result_error(ctx, "ipp_holds: the first phrase and how many must be integers", -1);
        return;
    }
    sqlite3_int64 first = sqlite3_value_int64(values[0]), count = sqlite3_value_int64(values[1]);
    int phrases = api->xPhraseCount(fts);
    if (first < 0 || count < 1 || first >= phrases || count > phrases - first) {
        fail(ctx, "ipp_holds: %lld phrases from phrase %lld asked of %d", count, first, phrases);
        return;
    }
    for (int i = (int)first; i < (int)(first + count); i++) {
        Fts5PhraseIter iter;
        int column = -1, offset = -1;
        int rc = api->xPhraseFirst(fts, i, &iter, &column, &offset);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        if (column >= 0) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

/* A plain SQL function by which the backend sees that this connection has these functions, and which
 * build of them: search.native.VERSION must agree (a library left from an older release lacks what the
 * backend now calls). Raised whenever a function is added or changes what it takes or gives. */
#define IPP_RANK_VERSION 2

static void ipp_rank_version(sqlite3_context *ctx, int n, sqlite3_value **values) {
    (void)n;
    (void)values;
    sqlite3_result_int(ctx, IPP_RANK_VERSION);
}

/* Run by SQLite for every connection opened after ipp_rank_register(). It never fails the opening: a
 * connection without FTS5 or without the function keeps bm25(). */
static int install(sqlite3 *db, char **error, const void *routines) {
    (void)error;
    (void)routines;
    fts5_api *fts5 = 0;
    sqlite3_stmt *statement = 0;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0) != SQLITE_OK) {
        sqlite3_finalize(statement);
        return SQLITE_OK;
    }
    sqlite3_bind_pointer(statement, 1, (void *)&fts5, "fts5_api_ptr", 0);
    sqlite3_step(statement);
    if (sqlite3_finalize(statement) != SQLITE_OK || !fts5 || fts5->iVersion < 2) return SQLITE_OK;
    if (fts5->xCreateFunction(fts5, "ipp_bm25", 0, ipp_bm25, 0) == SQLITE_OK &&
        fts5->xCreateFunction(fts5, "ipp_holds", 0, ipp_holds, 0) == SQLITE_OK) {
        sqlite3_create_function_v2(db, "ipp_rank_version", 0, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0,
                                   ipp_rank_version, 0, 0, 0);
    }
    return SQLITE_OK;
}

int ipp_rank_register(void) {
    return sqlite3_auto_extension((void (*)(void))install);
}
