# Reference numbers for the interval types of svyquantile (micropop's
# `interval_type=`), computed with R's `survey`.
#
# Run by hand, from the repository root, after make_refs.R (whose fixtures and
# design specs it reads):
#
#     Rscript tests/reference/make_refs_quantile_intervals.R
#
# It writes tests/reference/golden_quantile_intervals.json, doubles as "%.17g":
#   cases   svyquantile(..., interval.type = ) for "mean", "beta", "xlogit",
#           "asin" and "score" on linearised designs, "mean" and "quantile" on
#           replicate designs, with several qrules, svyby domains and na.rm
#   errors  where R refuses an interval type (micropop raises a MicropopError)
#
# Designs are those of golden.json (by name); the helpers (build,
# with_options, the JSON writers) are make_refs.R's own, read from it without
# running it.
#
# On replicate designs, R 4.1's svyquantile.svyrep.design calls woodruffCI
# without passing interval.type on, so "beta", "xlogit" and "asin" there all
# return the "mean" interval. micropop computes the interval asked for; its
# reference is R's own woodruffCI(..., method = ) on the replicate design,
# called directly (cases with `r_call` "woodruffCI").

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

out_dir <- file.path("tests", "reference")
fixture_dir <- file.path(out_dir, "fixtures")

# make_refs.R's function definitions (and nothing else it does)
for (expr in parse(file.path(out_dir, "make_refs.R"))) {
  if (is.call(expr) && identical(expr[[1]], as.name("<-")) && is.call(expr[[3]]) &&
      identical(expr[[3]][[1]], as.name("function")))
    eval(expr)
}

designs <- fromJSON(file.path(out_dir, "golden.json"), simplifyVector = TRUE)$designs
datasets <- list()
for (name in unique(vapply(designs, function(s) if (is.null(s$data)) "" else s$data, ""))) {
  if (name == "") next
  datasets[[name]] <- read.csv(file.path(fixture_dir, paste0(name, ".csv")),
                               check.names = FALSE, stringsAsFactors = TRUE,
                               na.strings = "")
}

cases <- list()

# One call: svyquantile on the design (or svyby over `by`), or, for
# r_call = "woodruffCI", R's Woodruff helper with `method` on each quantile.
# Where R stops (uniroot finding no sign change for "score"), the case keeps
# R's message and no numbers.
add_case <- function(id, design, vars, probs, interval, qrule = "math", by = NULL,
                     na_rm = FALSE, r_call = "svyquantile") {
  s <- designs[[design]]
  res <- tryCatch(with_options(s, {
    des <- build(s)
    f <- formula_of(vars)
    if (r_call == "woodruffCI") {
      stopifnot(is.null(by), !na_rm, length(vars) == 1)
      qfun <- get(paste0("qrule_", qrule), envir = asNamespace("survey"))
      x <- des$variables[[vars]]
      w <- weights(des, "sampling")
      df <- degf(des)
      rows <- lapply(probs, function(p) {
        qhat <- qfun(x, w, p)
        ci <- survey:::woodruffCI(x, qhat, p, des, qfun, 0.05, df, method = interval)
        c(qhat, ci, diff(ci) / (2 * qt(0.975, df)))
      })
      m <- do.call(rbind, rows)
      list(names = paste(vars, probs, sep = "."), estimate = m[, 1], se = m[, 4],
           low = m[, 2], high = m[, 3])
    } else if (is.null(by)) {
      q <- svyquantile(f, des, probs, qrule = qrule, na.rm = na_rm, ci = TRUE,
                       interval.type = interval)
      ci <- confint(q)
      list(names = names(coef(q)), estimate = coef(q), se = SE(q), low = ci[, 1],
           high = ci[, 2])
    } else {
      q <- svyby(f, formula_of(by), des, svyquantile, quantiles = probs, qrule = qrule,
                 na.rm = na_rm, ci = TRUE, vartype = c("se", "ci"),
                 interval.type = interval)
      stats <- names(q)[-(1:length(by))]
      est <- stats[!grepl("^(se|ci_l|ci_u)\\.", stats)]
      pick <- function(prefix) as.vector(as.matrix(q[, paste0(prefix, est)]))
      list(names = names(coef(q)), estimate = as.vector(coef(q)), se = pick("se."),
           low = pick("ci_l."), high = pick("ci_u."))
    }
  }), error = function(e) list(error = conditionMessage(e)))
  cases[[length(cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), vars = jstrs(vars), probs = jvec(probs),
    interval_type = jstr(interval), qrule = jstr(qrule), by = jstrs(by),
    na_rm = tolower(na_rm), r_call = jstr(r_call),
    error = if (is.null(res$error)) "null" else jstr(res$error),
    names = jstrs(res$names), estimate = jvec(res$estimate), se = jvec(res$se),
    ci_low = jvec(res$low), ci_high = jvec(res$high)))
}

probs <- c(0.1, 0.5, 0.9)
rules <- c("math", "school", "hf3", "hf7", "shahvaish")
linearised <- c("srs", "srs_nofpc", "strat", "strat_nofpc", "clus1", "clus1_nofpc",
                "clus2", "clus2_nofpc")
for (d in linearised) {
  v <- if (designs[[d]]$data == "apiclus2") c("api00", "api.stu") else c("api00", "enroll")
  for (interval in c("mean", "beta", "xlogit", "asin", "score")) {
    for (rule in rules)
      add_case(paste0(d, "/", interval, "_", rule), d, v, probs, interval, qrule = rule)
  }
}
for (d in c("srs", "strat", "clus1", "clus2")) {
  for (interval in c("beta", "xlogit", "asin", "score")) {
    add_case(paste0(d, "/", interval, "_by"), d, "api00", c(0.25, 0.5, 0.75), interval,
             by = "stype")
    add_case(paste0(d, "/", interval, "_by_school"), d, "api00", c(0.5, 0.75), interval,
             by = "awards", qrule = "school")
    add_case(paste0(d, "/", interval, "_narm"), d, "acs.k3", probs, interval,
             na_rm = TRUE)
  }
}

replicated <- c("rep_jk1", "rep_jkn", "rep_brr", "rep_boot", "rep_jk1_mse")
for (d in replicated) {
  for (interval in c("mean", "quantile")) {
    for (rule in rules)
      add_case(paste0(d, "/", interval, "_", rule), d, c("api00", "enroll"), probs,
               interval, qrule = rule)
    add_case(paste0(d, "/", interval, "_by"), d, "api00", c(0.5, 0.75), interval,
             by = "awards")
  }
  for (interval in c("beta", "xlogit", "asin")) {
    for (rule in c("math", "school", "hf7"))
      add_case(paste0(d, "/", interval, "_", rule), d, "api00", probs, interval,
               qrule = rule, r_call = "woodruffCI")
  }
}

# --- errors R raises ---------------------------------------------------------

errors <- list()
add_error <- function(id, design, interval) {
  s <- designs[[design]]
  msg <- tryCatch(with_options(s, {
    svyquantile(~api00, build(s), 0.5, interval.type = interval)
    NA_character_
  }), error = function(e) conditionMessage(e))
  stopifnot(!is.na(msg))
  errors[[length(errors) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), interval_type = jstr(interval),
    r_message = jstr(msg)))
}
add_error("srs/quantile", "srs", "quantile")
add_error("rep_jk1/score", "rep_jk1", "score")

# --- write -------------------------------------------------------------------

meta <- jobj(list(
  r_version = jstr(paste(R.version$major, R.version$minor, sep = ".")),
  survey_version = jstr(as.character(packageVersion("survey"))),
  script = jstr("tests/reference/make_refs_quantile_intervals.R"),
  note = jstr(paste("svyquantile intervals (t with degf); se = width / (2 t);",
                    "r_call woodruffCI: survey:::woodruffCI(method=) on a replicate design"))))
json <- paste0("{\n\"meta\": ", meta,
               ",\n\"cases\": [\n", paste(unlist(cases), collapse = ",\n"),
               "\n],\n\"errors\": [\n", paste(unlist(errors), collapse = ",\n"),
               "\n]\n}\n")
writeLines(json, file.path(out_dir, "golden_quantile_intervals.json"), sep = "")
cat(sprintf("wrote %d quantile interval cases, %d errors (R %s, survey %s)\n",
            length(cases), length(errors), paste(R.version$major, R.version$minor, sep = "."),
            packageVersion("survey")))
