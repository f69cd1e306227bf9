# Reference values for micropop.estimation.chisqsum and svychisq(statistic =
# "saddlepoint"), written to tests/reference/golden_chisqsum.json.
#
# Run from the repository root:  Rscript tests/reference/make_refs_chisqsum.R
# (R 4.2.2, survey 4.1.1). Re-running reproduces the file byte for byte.
#
# Sections of the JSON:
#   distribution  pchisqsum / pFsum: methods "saddlepoint" and "satterthwaite",
#                 both tails, several coefficient vectors, df and ddf
#   svychisq      svychisq(statistic = "saddlepoint") on the tables of the
#                 association cases of make_refs.R (same designs and fixtures)
#
# Method "integration" needs the CompQuadForm package, which this machine does
# not have (R then warns and uses the saddlepoint): the Python tests check
# micropop's Davies algorithm against exact and independent values instead.
# Note: R's pFsum(ddf = Inf) calls pchisqsum without passing `method` on (so it
# is always Satterthwaite); the ddf = Inf cases here call pchisqsum directly.

suppressPackageStartupMessages(library(survey))

# --- designs, fixtures and JSON helpers of make_refs.R ---------------------------
# Everything make_refs.R defines before its first estimate, evaluated with
# write.csv switched off: the fixtures are read, never rewritten.

shared <- readLines(file.path("tests", "reference", "make_refs.R"))
shared <- shared[seq_len(grep("^# --- cases", shared)[1] - 1)]
refs <- new.env()
refs$write.csv <- function(...) invisible(NULL)
eval(parse(text = shared), envir = refs)
for (name in c("designs", "build", "with_options", "jnum", "jstr", "jobj", "jvec",
               "jarr"))
  assign(name, get(name, envir = refs))

# --- distribution functions ---------------------------------------------------------

coefficient_sets <- list(
  equal     = list(a = c(1, 1, 1), df = c(1, 1, 1)),
  unequal   = list(a = c(2.5, 1, 0.4), df = c(1, 1, 1)),
  dominant  = list(a = c(10, 0.1, 0.1, 0.1), df = c(1, 1, 1, 1)),
  many      = list(a = seq(0.05, 0.6, length.out = 12), df = rep(1, 12)),
  multi_df  = list(a = c(2, 0.7, 0.3), df = c(2, 1, 3))
)
# Around the mean sum(a * df): far below, at it (saddlepoint near zero: R falls
# back to Satterthwaite), and in the upper tail.
x_multipliers <- c(0.1, 0.5, 1, 1.5, 3, 6)

dist_cases <- list()
add_dist <- function(id, fun, set, x, ddf, lower, method) {
  p <- if (fun == "pchisqsum") {
    pchisqsum(x, df = set$df, a = set$a, lower.tail = lower, method = method)
  } else {
    vapply(x, function(xi) pFsum(xi, df = set$df, a = set$a, ddf = ddf,
                                 lower.tail = lower, method = method), numeric(1))
  }
  dist_cases[[length(dist_cases) + 1]] <<- jobj(list(
    id = jstr(id), fun = jstr(fun), method = jstr(method), a = jvec(set$a),
    df = jvec(set$df), ddf = if (is.finite(ddf)) jnum(ddf) else "null",
    lower_tail = tolower(as.character(lower)), x = jvec(x), p = jvec(p)))
}

for (set_name in names(coefficient_sets)) {
  set <- coefficient_sets[[set_name]]
  x <- sum(set$a * set$df) * x_multipliers
  for (method in c("saddlepoint", "satterthwaite")) {
    for (lower in c(TRUE, FALSE)) {
      tail <- if (lower) "lower" else "upper"
      add_dist(sprintf("pchisqsum/%s/%s/%s", set_name, method, tail), "pchisqsum",
               set, x, Inf, lower, method)
      for (ddf in c(5, 20.7, 200)) {
        # R's pFsum stops ("invalid 'times' argument") for saddlepoint with df > 1
        if (method == "saddlepoint" && any(set$df > 1)) next
        add_dist(sprintf("pFsum/%s/ddf%g/%s/%s", set_name, ddf, method, tail), "pFsum",
                 set, x, ddf, lower, method)
      }
    }
  }
}

# --- svychisq(statistic = "saddlepoint") -------------------------------------------
# Pearson's X^2 against the exact asymptotic distribution: pFsum with
# ddf = d0 * nu for a survey.design, pchisqsum for a replicate design.

chisq_cases <- list()
add_chisq <- function(id, design, rows, cols, subset = NULL) {
  s <- designs[[design]]
  res <- with_options(s, {
    des <- build(s)
    if (!is.null(subset)) des <- eval(parse(text = sprintf("subset(des, %s)", subset)))
    f <- as.formula(sprintf("~`%s` + `%s`", rows, cols))
    svychisq(f, des, statistic = "saddlepoint")
  })
  chisq_cases[[length(chisq_cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), rows = jstr(rows), cols = jstr(cols),
    subset = if (is.null(subset)) "null" else jstr(subset),
    statistic = jnum(res$statistic), p_value = jnum(res$p.value),
    method = jstr(res$method)))
}

for (d in c("srs", "strat", "clus1", "clus1_nofpc", "clus2", "rep_jk1", "rep_jkn",
            "rep_brr", "asrep_brr")) {
  add_chisq(paste0(d, "/chisq_saddlepoint"), d, "sch.wide", "stype")
  add_chisq(paste0(d, "/chisq_awards_saddlepoint"), d, "awards", "stype")
}
add_chisq("strat/chisq_subset_saddlepoint", "strat", "sch.wide", "awards",
          subset = "stype != 'E'")

# --- write -----------------------------------------------------------------------

writeLines(paste0("{\n\"distribution\": [\n", paste(unlist(dist_cases), collapse = ",\n"),
                  "\n],\n\"svychisq\": [\n", paste(unlist(chisq_cases), collapse = ",\n"),
                  "\n]\n}"),
           file.path("tests", "reference", "golden_chisqsum.json"))
cat(sprintf("%d distribution cases, %d svychisq cases\n", length(dist_cases),
            length(chisq_cases)))
