# Reference numbers for micropop's golden tests, computed with R's `survey`.
#
# Run by hand, from the repository root, whenever a case is added:
#
#     Rscript tests/reference/make_refs.R
#
# It writes
#   tests/reference/fixtures/api*.csv    the api data shipped with `survey`
#   tests/reference/fixtures/rep_*.csv   replicate weights R made for them
#   tests/reference/golden.json          every result, doubles as "%.17g":
#     designs      the spec of every design (read by the Python tests)
#     cases        svytotal / svymean / svyratio, svyby domains, subsets,
#                  na.rm, deff (TRUE and "replace"), vcov, normal and t confint
#     contrasts    svycontrast of domain estimates (full domain covariance)
#     quantiles    svyquantile: qrules, Woodruff intervals, svyby
#     proportions  svyciprop methods, svyby
#     chisq        svychisq: F, Chisq, Wald, adjWald
#     bootstrap    SEs from R's own bootstrap draws (compared loosely)
#     errors       where R stops (micropop raises a MicropopError)
#
# The test suite reads those files and never calls R. Re-running the script
# reproduces them byte for byte (the bootstrap replicates use a fixed seed;
# no time stamps). Other engineers' reference scripts share this folder.
#
# Every design is described by a small "spec" (column names, as micropop's
# SurveyDesign takes them) that is written to the JSON with the results, so
# the Python tests rebuild exactly the design R used.

suppressPackageStartupMessages(library(survey))

out_dir <- file.path("tests", "reference")
fixture_dir <- file.path(out_dir, "fixtures")
dir.create(fixture_dir, showWarnings = FALSE, recursive = TRUE)

# --- data ------------------------------------------------------------------
# Export the api samples, then read them back: R computes on exactly the
# doubles the tests will read, whatever write.csv rounded.

data(api)
# Sampling fractions (instead of population counts) for the fpc-as-fraction
# cases: R reads fpc values <= 1 as fractions.
apisrs$fpc_frac <- 200 / apisrs$fpc
apiclus2$frac1 <- 40 / apiclus2$fpc1
apiclus2$frac2 <- ave(apiclus2$snum, apiclus2$dnum, FUN = length) / apiclus2$fpc2

datasets <- list(apisrs = apisrs, apistrat = apistrat,
                 apiclus1 = apiclus1, apiclus2 = apiclus2)
for (name in names(datasets)) {
  path <- file.path(fixture_dir, paste0(name, ".csv"))
  write.csv(datasets[[name]], path, row.names = FALSE, na = "")
  datasets[[name]] <- read.csv(path, check.names = FALSE,
                               stringsAsFactors = TRUE, na.strings = "")
}

# --- designs ---------------------------------------------------------------
# spec fields: data, psu (NULL = one PSU per row, R's id=~1), strata,
# weights, fpc, nest, plus R options in effect for every estimate.

spec <- function(data, psu = NULL, strata = NULL, weights = NULL, fpc = NULL,
                 nest = FALSE, lonely_psu = "fail", ultimate_cluster = FALSE,
                 adjust_domain_lonely = FALSE) {
  list(data = data, psu = psu, strata = strata, weights = weights, fpc = fpc,
       nest = nest, lonely_psu = lonely_psu, ultimate_cluster = ultimate_cluster,
       adjust_domain_lonely = adjust_domain_lonely)
}

designs <- list(
  srs          = spec("apisrs", fpc = "fpc"),
  srs_frac     = spec("apisrs", fpc = "fpc_frac"),
  srs_nofpc    = spec("apisrs", weights = "pw"),
  strat        = spec("apistrat", strata = "stype", weights = "pw", fpc = "fpc"),
  strat_nofpc  = spec("apistrat", strata = "stype", weights = "pw"),
  clus1        = spec("apiclus1", psu = "dnum", weights = "pw", fpc = "fpc"),
  clus1_fpconly = spec("apiclus1", psu = "dnum", fpc = "fpc"),
  clus1_nofpc  = spec("apiclus1", psu = "dnum", weights = "pw"),
  clus1_nest   = spec("apiclus1", psu = "dnum", strata = "stype",
                      weights = "pw", nest = TRUE),
  clus2        = spec("apiclus2", psu = c("dnum", "snum"), fpc = c("fpc1", "fpc2")),
  clus2_frac   = spec("apiclus2", psu = c("dnum", "snum"), fpc = c("frac1", "frac2")),
  clus2_uc     = spec("apiclus2", psu = c("dnum", "snum"), fpc = c("fpc1", "fpc2"),
                      ultimate_cluster = TRUE),
  clus2_nofpc  = spec("apiclus2", psu = c("dnum", "snum"), weights = "pw"),
  # apiclus1 stratified by district: district 413 holds a single school.
  lonely_remove    = spec("apiclus1", strata = "dnum", weights = "pw",
                          lonely_psu = "remove"),
  lonely_certainty = spec("apiclus1", strata = "dnum", weights = "pw",
                          lonely_psu = "certainty"),
  lonely_adjust    = spec("apiclus1", strata = "dnum", weights = "pw",
                          lonely_psu = "adjust"),
  lonely_average   = spec("apiclus1", strata = "dnum", weights = "pw",
                          lonely_psu = "average"),
  # Same with a (notional) population of 757 per stratum, so f < 1.
  lonely_adjust_fpc  = spec("apiclus1", strata = "dnum", weights = "pw",
                            fpc = "fpc", lonely_psu = "adjust"),
  lonely_average_fpc = spec("apiclus1", strata = "dnum", weights = "pw",
                            fpc = "fpc", lonely_psu = "average"),
  # survey.adjust.domain.lonely: a domain meeting one PSU of a stratum.
  lonely_adjust_domain  = spec("apiclus1", strata = "dnum", weights = "pw",
                               lonely_psu = "adjust", adjust_domain_lonely = TRUE),
  lonely_average_domain = spec("apiclus1", strata = "dnum", weights = "pw",
                               fpc = "fpc", lonely_psu = "average",
                               adjust_domain_lonely = TRUE),
  lonely_remove_domain  = spec("apiclus1", strata = "dnum", weights = "pw",
                               lonely_psu = "remove", adjust_domain_lonely = TRUE)
)

# Replicate-weight designs. R builds the replicate weights (as.svrepdesign)
# from ordinary designs; they are exported as fixtures (columns rep1..repR,
# combined with the sampling weights) and every estimate below is computed on
# svrepdesign() read back from that file, which is what micropop is given.

rep_spec <- function(data, method, scale = NULL, rscales = NULL, fay_rho = NULL,
                     mse = FALSE) {
  list(kind = "replicate", data = data, weights = "pw",
       replicate_weights = "^rep[0-9]+$", method = method, scale = scale,
       rscales = rscales, fay_rho = fay_rho, mse = mse, lonely_psu = "fail",
       ultimate_cluster = FALSE, adjust_domain_lonely = FALSE)
}

export_replicates <- function(name, rdes, keep) {
  w <- weights(rdes, "analysis")  # replicate weights times sampling weights
  out <- rdes$variables[, keep]
  out$pw <- weights(rdes, "sampling")
  for (r in seq_len(ncol(w))) out[[paste0("rep", r)]] <- w[, r]
  path <- file.path(fixture_dir, paste0(name, ".csv"))
  write.csv(out, path, row.names = FALSE, na = "")
  datasets[[name]] <<- read.csv(path, check.names = FALSE, stringsAsFactors = TRUE,
                                na.strings = "")
}

keep <- c("stype", "awards", "sch.wide", "api00", "api99", "enroll", "api.stu", "acs.k3",
          "acs.46")
apipair <- datasets$apisrs[1:60, ]
apipair$pair <- rep(1:30, each = 2)  # 30 strata of two PSUs, for BRR and Fay
write.csv(apipair, file.path(fixture_dir, "apipair.csv"), row.names = FALSE, na = "")
datasets$apipair <- read.csv(file.path(fixture_dir, "apipair.csv"), check.names = FALSE,
                             stringsAsFactors = TRUE, na.strings = "")
apipair <- datasets$apipair
designs$pair <- spec("apipair", strata = "pair", weights = "pw")
set.seed(20240601)
replicated <- list(
  rep_jk1 = as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc,
                                     data = datasets$apiclus1), type = "JK1"),
  rep_jkn = as.svrepdesign(svydesign(id = ~dnum, strata = ~stype, weights = ~pw,
                                     nest = TRUE, data = datasets$apiclus1), type = "JKn"),
  rep_brr = as.svrepdesign(svydesign(id = ~1, strata = ~pair, weights = ~pw,
                                     data = apipair), type = "BRR"),
  rep_fay = as.svrepdesign(svydesign(id = ~1, strata = ~pair, weights = ~pw,
                                     data = apipair), type = "Fay", fay.rho = 0.3),
  rep_boot = as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc,
                                      data = datasets$apiclus1),
                            type = "bootstrap", replicates = 50))
for (name in names(replicated)) export_replicates(name, replicated[[name]], keep)
designs$rep_jk1 <- rep_spec("rep_jk1", "jk1", scale = replicated$rep_jk1$scale)
designs$rep_jk1_mse <- rep_spec("rep_jk1", "jk1", scale = replicated$rep_jk1$scale,
                                mse = TRUE)
designs$rep_jkn <- rep_spec("rep_jkn", "jkn", rscales = replicated$rep_jkn$rscales)
designs$rep_brr <- rep_spec("rep_brr", "brr")
designs$rep_fay <- rep_spec("rep_fay", "fay", fay_rho = 0.3)
designs$rep_boot <- rep_spec("rep_boot", "bootstrap")

# Replicate weights made from a design (micropop: SurveyDesign.replicate).
asrep_spec <- function(base, method, fay_rho = NULL) {
  s <- designs[[base]]
  s$kind <- "from_design"
  s$base <- base
  s$method <- method
  s$fay_rho <- fay_rho
  s
}
designs$asrep_jk1 <- asrep_spec("clus1", "jk1")
designs$asrep_jkn <- asrep_spec("clus1_nest", "jkn")
designs$asrep_jkn_strat <- asrep_spec("strat", "jkn")
for (policy in c("remove", "certainty", "adjust", "average"))
  designs[[paste0("asrep_jkn_lonely_", policy)]] <- asrep_spec(paste0("lonely_", policy), "jkn")
# BRR and Fay from R's Hadamard matrices: micropop makes the same replicates.
designs$asrep_brr <- asrep_spec("pair", "brr")
designs$asrep_fay <- asrep_spec("pair", "fay", fay_rho = 0.3)

formula_of <- function(cols) {
  if (is.null(cols)) return(NULL)
  as.formula(paste("~", paste0("`", cols, "`", collapse = " + ")))
}

build <- function(s) {
  if (identical(s$kind, "from_design")) {
    base <- designs[[s$base]]
    base$kind <- NULL
    type <- c(jk1 = "JK1", jkn = "JKn", brr = "BRR", fay = "Fay")[[s$method]]
    if (type == "Fay")
      return(as.svrepdesign(build(base), type = type, fay.rho = s$fay_rho))
    return(as.svrepdesign(build(base), type = type))
  }
  if (identical(s$kind, "replicate")) {
    type <- c(jk1 = "JK1", jkn = "JKn", brr = "BRR", fay = "Fay",
              bootstrap = "bootstrap")[[s$method]]
    return(svrepdesign(data = datasets[[s$data]], repweights = s$replicate_weights,
                       weights = formula_of(s$weights), type = type,
                       scale = s$scale, rscales = s$rscales, rho = s$fay_rho,
                       combined.weights = TRUE, mse = s$mse))
  }
  svydesign(ids = if (is.null(s$psu)) ~1 else formula_of(s$psu),
            strata = formula_of(s$strata), weights = formula_of(s$weights),
            fpc = formula_of(s$fpc), nest = s$nest, data = datasets[[s$data]])
}

# Options that change variance are set around each computation.
with_options <- function(s, expr) {
  old <- options(survey.lonely.psu = s$lonely_psu,
                 survey.ultimate.cluster = s$ultimate_cluster,
                 survey.adjust.domain.lonely = s$adjust_domain_lonely)
  on.exit(options(old))
  force(expr)
}

# --- JSON writing (full precision, stable layout) --------------------------

jnum <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.17g", x)
  out[is.na(x)] <- "null"
  out
}
jstr <- function(x) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
jarr <- function(items) paste0("[", paste(items, collapse = ", "), "]")
jobj <- function(fields) {
  fields <- fields[!vapply(fields, is.null, logical(1))]
  paste0("{", paste(jstr(names(fields)), unlist(fields), sep = ": ",
                    collapse = ", "), "}")
}
jvec <- function(x) jarr(jnum(x))
jmat <- function(m) jarr(apply(as.matrix(m), 1, jvec))
jstrs <- function(x) if (is.null(x)) "null" else jarr(jstr(x))
jval <- function(x) {
  if (is.null(x)) "null"
  else if (is.logical(x)) tolower(as.character(x))
  else if (is.numeric(x)) jnum(x)
  else if (length(x) == 1) jstr(x)
  else jstrs(x)
}

# --- cases -----------------------------------------------------------------
# A case is one call; its result is flattened to named rows:
# estimate, se, vcov, deff (NULL unless asked), 95% normal and t intervals.

cases <- list()

add_case <- function(id, design, fun, vars, by = NULL, denominator = NULL,
                     deff = FALSE, na_rm = FALSE, subset = NULL) {
  s <- designs[[design]]
  res <- with_options(s, {
    des <- build(s)
    if (!is.null(subset)) des <- eval(parse(text = sprintf("subset(des, %s)", subset)))
    f <- formula_of(vars)
    df <- degf(des)
    if (is.null(by)) {
      est <- switch(fun,
        total = svytotal(f, des, deff = deff, na.rm = na_rm),
        mean  = svymean(f, des, deff = deff, na.rm = na_rm),
        ratio = svyratio(f, formula_of(denominator), des, na.rm = na_rm,
                         covmat = TRUE, deff = deff))
      if (fun == "ratio") {
        rows <- list(names = paste0(vars, "/", denominator),
                     estimate = as.vector(coef(est)),
                     se = as.vector(SE(est)), vcov = vcov(est),
                     deff = if (isFALSE(deff)) NULL else as.vector(attr(est, "deff")))
      } else {
        rows <- list(names = names(coef(est)), estimate = as.vector(coef(est)),
                     se = as.vector(SE(est)), vcov = vcov(est),
                     deff = if (isFALSE(deff)) NULL else as.vector(deff(est)))
      }
    } else {
      FUN <- switch(fun, total = svytotal, mean = svymean, ratio = svyratio)
      est <- if (fun == "ratio") {
        svyby(f, formula_of(by), des, FUN, denominator = formula_of(denominator),
              deff = deff, na.rm = na_rm)
      } else {
        svyby(f, formula_of(by), des, FUN, deff = deff, na.rm = na_rm)
      }
      # SE() and the DEff columns are one column per variable, domains in rows.
      deff_cols <- grep("^DEff", names(est))
      rows <- list(names = names(coef(est)), estimate = as.vector(coef(est)),
                   se = as.vector(as.matrix(SE(est))), vcov = NULL,
                   deff = if (isFALSE(deff)) NULL else as.vector(as.matrix(est[, deff_cols])))
    }
    ci <- confint(est)
    ci_t <- confint(est, df = df)
    c(rows, list(ci = ci, ci_t = ci_t, df = df))
  })
  cases[[length(cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), fun = jstr(fun), vars = jstrs(vars),
    denominator = jstrs(denominator), by = jstrs(by),
    deff = if (is.character(deff)) jstr(deff) else tolower(deff),
    na_rm = tolower(na_rm), subset = if (is.null(subset)) "null" else jstr(subset),
    names = jstrs(res$names), estimate = jvec(res$estimate), se = jvec(res$se),
    vcov = if (is.null(res$vcov)) "null" else jmat(res$vcov),
    deff_value = if (is.null(res$deff)) "null" else jvec(res$deff),
    ci_low = jvec(res$ci[, 1]), ci_high = jvec(res$ci[, 2]),
    ci_t_low = jvec(res$ci_t[, 1]), ci_t_high = jvec(res$ci_t[, 2]),
    df = jnum(res$df)))
}

# Core estimators on every ordinary design (with and without fpc). apiclus2
# has missing enroll: there the totals use api.stu and the ratio drops the
# missing rows (R would return NA where micropop raises; see the errors).
for (d in c("srs", "srs_frac", "srs_nofpc", "strat", "strat_nofpc", "clus1",
            "clus1_fpconly", "clus1_nofpc", "clus1_nest", "clus2", "clus2_frac",
            "clus2_uc", "clus2_nofpc")) {
  has_na <- designs[[d]]$data == "apiclus2"
  tot <- if (has_na) "api.stu" else "enroll"
  add_case(paste0(d, "/total"), d, "total", tot)
  add_case(paste0(d, "/total_two_deff"), d, "total", c(tot, "api00"), deff = TRUE)
  add_case(paste0(d, "/total_deff_replace"), d, "total", tot, deff = "replace")
  add_case(paste0(d, "/mean_api"), d, "mean", c("api00", "api99"), deff = TRUE)
  add_case(paste0(d, "/mean_deff_replace"), d, "mean", "api00", deff = "replace")
  add_case(paste0(d, "/mean_factor"), d, "mean", "stype")
  add_case(paste0(d, "/total_factor"), d, "total", "stype")
  add_case(paste0(d, "/mean_narm"), d, "mean", "acs.k3", na_rm = TRUE)
  add_case(paste0(d, "/mean_narm_two"), d, "mean", c("acs.k3", "acs.46"), na_rm = TRUE)
  add_case(paste0(d, "/total_narm"), d, "total", "acs.k3", na_rm = TRUE)
  add_case(paste0(d, "/ratio"), d, "ratio", "api.stu", denominator = "enroll",
           na_rm = has_na)
  add_case(paste0(d, "/by_mean_awards"), d, "mean", "api00", by = "awards", deff = TRUE)
  add_case(paste0(d, "/by_total_awards"), d, "total", tot, by = "awards")
  add_case(paste0(d, "/by_ratio_awards"), d, "ratio", "api.stu",
           denominator = "enroll", by = "awards", na_rm = has_na)
  add_case(paste0(d, "/subset_mean"), d, "mean", "api00", subset = "stype == 'E'")
}
for (d in c("srs", "strat", "clus1", "clus2")) {
  add_case(paste0(d, "/by_mean_stype"), d, "mean", "api00", by = "stype")
  add_case(paste0(d, "/by_total_stype_deff"), d, "total", "api.stu", by = "stype",
           deff = TRUE)
  add_case(paste0(d, "/by_mean_narm"), d, "mean", "acs.k3", by = "awards", na_rm = TRUE)
}

# Several variables or several domain columns; ratio design effects.
for (d in c("strat", "clus1", "clus2")) {
  add_case(paste0(d, "/by_mean_two_vars"), d, "mean", c("api00", "api99"), by = "stype")
  add_case(paste0(d, "/by_mean_two_by"), d, "mean", "api00", by = c("stype", "awards"))
  add_case(paste0(d, "/by_total_factor"), d, "total", "awards", by = "stype")
  add_case(paste0(d, "/ratio_deff"), d, "ratio", "api.stu", denominator = "enroll",
           deff = TRUE, na_rm = designs[[d]]$data == "apiclus2")
  add_case(paste0(d, "/ratio_by_deff"), d, "ratio", "api.stu", denominator = "enroll",
           by = "stype", deff = "replace", na_rm = designs[[d]]$data == "apiclus2")
}

# Lonely PSU policies (R warns about lonely strata in domains: expected).
for (d in grep("^lonely_", names(designs), value = TRUE)) {
  suppressWarnings({
    add_case(paste0(d, "/total"), d, "total", "enroll")
    add_case(paste0(d, "/mean_api"), d, "mean", c("api00", "api99"))
    add_case(paste0(d, "/mean_factor"), d, "mean", "stype")
    add_case(paste0(d, "/by_mean_awards"), d, "mean", "api00", by = "awards")
    add_case(paste0(d, "/by_total_stype"), d, "total", "enroll", by = "stype")
    add_case(paste0(d, "/subset_mean"), d, "mean", "api00", subset = "awards == 'Yes'")
  })
}

# Replicate designs: the same estimators.
for (d in grep("^(rep|asrep)_", names(designs), value = TRUE)) {
  add_case(paste0(d, "/total_two_deff"), d, "total", c("enroll", "api.stu"), deff = TRUE)
  add_case(paste0(d, "/mean_api"), d, "mean", c("api00", "api99"), deff = TRUE)
  add_case(paste0(d, "/mean_factor"), d, "mean", "stype")
  add_case(paste0(d, "/mean_narm"), d, "mean", "acs.k3", na_rm = TRUE)
  add_case(paste0(d, "/ratio"), d, "ratio", "api.stu", denominator = "enroll")
  add_case(paste0(d, "/by_mean_awards"), d, "mean", "api00", by = "awards")
  add_case(paste0(d, "/by_total_stype"), d, "total", "enroll", by = "stype")
  add_case(paste0(d, "/subset_mean"), d, "mean", "api00", subset = "stype == 'E'")
}

# --- covariance between domains, and contrasts -------------------------------
# svyby's covariance is block-diagonal for linearisation designs, so the full
# covariance of domain estimates comes from one call on domain indicators:
# totals of y * 1{domain}, or ratios of those totals to the domain sizes
# (a domain mean is such a ratio, with the same influence function).

contrasts <- list()

add_domain_vcov <- function(id, design, var, by, fun, contrast) {
  s <- designs[[design]]
  res <- with_options(s, {
    des <- build(s)
    levels_ <- sort(unique(as.character(des$variables[[by]])))
    for (l in levels_) {
      inside <- as.numeric(as.character(des$variables[[by]]) == l)
      des$variables[[paste0("y_", l)]] <- des$variables[[var]] * inside
      des$variables[[paste0("d_", l)]] <- inside
    }
    ys <- formula_of(paste0("y_", levels_))
    if (fun == "total") {
      est <- svytotal(ys, des)
      coefs <- coef(est)
      vc <- vcov(est)
    } else {
      est <- svyratio(ys, formula_of(paste0("d_", levels_)), des, covmat = TRUE)
      k <- length(levels_)
      pick <- (seq_len(k) - 1) * k + seq_len(k)  # ratio i over denominator i
      coefs <- as.vector(coef(est))[pick]
      vc <- vcov(est)[pick, pick]
    }
    names(coefs) <- levels_
    # a contrast of the domain estimates, as svycontrast on them
    stat <- structure(coefs, var = vc, statistic = fun, class = "svystat")
    con <- svycontrast(stat, contrast)
    list(names = levels_, estimate = coefs, vcov = vc, df = degf(des),
         ci = confint(stat), ci_t = confint(stat, df = degf(des)),
         contrast = c(coef(con), SE(con)))
  })
  cases[[length(cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), fun = jstr(fun), vars = jstrs(var),
    denominator = "null", by = jstrs(by), deff = "false", na_rm = "false",
    subset = "null", names = jstrs(res$names), estimate = jvec(res$estimate),
    se = jvec(sqrt(diag(res$vcov))), vcov = jmat(res$vcov), deff_value = "null",
    ci_low = jvec(res$ci[, 1]), ci_high = jvec(res$ci[, 2]),
    ci_t_low = jvec(res$ci_t[, 1]), ci_t_high = jvec(res$ci_t[, 2]),
    df = jnum(res$df)))
  contrasts[[length(contrasts) + 1]] <<- jobj(list(
    case = jstr(id), coefficients = jvec(contrast),
    estimate = jnum(res$contrast[1]), se = jnum(res$contrast[2])))
}

for (d in c("srs", "strat", "clus1", "clus2", "clus2_uc", "clus1_nest")) {
  add_domain_vcov(paste0(d, "/domain_vcov_mean"), d, "api00", "stype", "mean",
                  c(1, -1, 0))
  add_domain_vcov(paste0(d, "/domain_vcov_total"), d, "api.stu", "stype", "total",
                  c(1, 0, -1))
}

# --- quantiles ----------------------------------------------------------------
# svyquantile (survey >= 4.1): a quantile rule (qrule) and Woodruff's interval
# ("mean"), computed with t on degf(design) as R does by default; the
# standard error is the interval's width over 2 t. For svyby, each domain is
# a subset, with its own degf; intervals are the stored ones (vartype "ci").

quantile_cases <- list()

add_quantile <- function(id, design, vars, probs, qrule = "math", by = NULL,
                         na_rm = FALSE) {
  s <- designs[[design]]
  res <- with_options(s, suppressWarnings({
    des <- build(s)
    f <- formula_of(vars)
    if (is.null(by)) {
      q <- svyquantile(f, des, probs, qrule = qrule, na.rm = na_rm, ci = TRUE)
      ci <- confint(q)
      list(names = names(coef(q)), estimate = coef(q), se = SE(q), low = ci[, 1],
           high = ci[, 2])
    } else {
      q <- svyby(f, formula_of(by), des, svyquantile, quantiles = probs, qrule = qrule,
                 na.rm = na_rm, ci = TRUE, vartype = c("se", "ci"))
      stats <- names(q)[-(1:length(by))]
      pick <- function(prefix) as.vector(as.matrix(q[, paste0(prefix, stats[!grepl("^(se|ci_l|ci_u)\\.", stats)])]))
      list(names = names(coef(q)), estimate = as.vector(coef(q)), se = pick("se."),
           low = pick("ci_l."), high = pick("ci_u."))
    }
  }))
  quantile_cases[[length(quantile_cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), vars = jstrs(vars), probs = jvec(probs),
    qrule = jstr(qrule), by = jstrs(by), na_rm = tolower(na_rm),
    names = jstrs(res$names), estimate = jvec(res$estimate), se = jvec(res$se),
    ci_low = jvec(res$low), ci_high = jvec(res$high)))
}

for (d in c("srs", "srs_nofpc", "strat", "clus1", "clus1_nofpc", "clus2", "clus2_uc")) {
  v <- if (designs[[d]]$data == "apiclus2") c("api00", "api.stu") else c("api00", "enroll")
  for (rule in c("math", "school", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8",
                 "hf9", "shahvaish")) {
    add_quantile(paste0(d, "/quantile_", rule), d, v, c(0.1, 0.25, 0.5, 0.75, 0.9),
                 qrule = rule)
  }
  add_quantile(paste0(d, "/quantile_narm"), d, "acs.k3", c(0.5, 0.9), na_rm = TRUE)
  add_quantile(paste0(d, "/quantile_by"), d, "api00", c(0.25, 0.5), by = "stype")
  add_quantile(paste0(d, "/quantile_by_school"), d, "api00", c(0.5, 0.75), by = "awards",
               qrule = "school")
}
for (d in c("rep_jk1", "rep_jkn", "rep_brr", "rep_boot")) {
  add_quantile(paste0(d, "/quantile_math"), d, c("api00", "enroll"), c(0.25, 0.5, 0.9))
  add_quantile(paste0(d, "/quantile_by"), d, "api00", c(0.5, 0.75), by = "awards")
}

# --- proportions with svyciprop's intervals -------------------------------------
# The share of rows where `variable == level`; the interval methods of
# svyciprop (df = degf(design); for svyby, the domain's subset degf).

ciprop_cases <- list()

add_ciprop <- function(id, design, variable, level, method, by = NULL, conf = 0.95) {
  s <- designs[[design]]
  res <- with_options(s, {
    des <- build(s)
    des <- update(des, .success = as.numeric(as.character(des$variables[[variable]]) == level))
    if (is.null(by)) {
      r <- svyciprop(~.success, des, method = method, level = conf)
      list(names = level, estimate = coef(r), se = SE(r), low = attr(r, "ci")[1],
           high = attr(r, "ci")[2])
    } else {
      r <- svyby(~.success, formula_of(by), des, svyciprop, method = method, level = conf,
                 vartype = c("se", "ci"))
      list(names = as.character(r[[by]]), estimate = coef(r), se = SE(r),
           low = r[["ci_l"]], high = r[["ci_u"]])
    }
  })
  ciprop_cases[[length(ciprop_cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), variable = jstr(variable), level = jstr(level),
    method = jstr(method), by = jstrs(by), conf_level = jnum(conf),
    names = jstrs(res$names), estimate = jvec(res$estimate), se = jvec(res$se),
    ci_low = jvec(res$low), ci_high = jvec(res$high)))
}

for (d in c("srs", "strat", "clus1", "clus1_nofpc", "clus2")) {
  for (m in c("logit", "likelihood", "xlogit", "mean", "asin", "beta")) {
    add_ciprop(paste0(d, "/ciprop_", m), d, "sch.wide", "Yes", m)
    add_ciprop(paste0(d, "/ciprop_", m, "_by"), d, "awards", "Yes", m, by = "stype")
  }
  add_ciprop(paste0(d, "/ciprop_logit_90"), d, "sch.wide", "No", "logit", conf = 0.9)
  add_ciprop(paste0(d, "/ciprop_likelihood_90"), d, "sch.wide", "No", "likelihood",
             conf = 0.9)
}
# On replicate designs R's "logit" refits svyglm per replicate. In the small
# BRR and bootstrap domains some replicates see only zeros, where glm stops at
# an arbitrary large coefficient; micropop gives NaN there, so those by-domain
# logit cases are left out. R's "likelihood" interval is NA on replicate
# designs (micropop raises).
for (d in c("rep_jk1", "rep_brr", "rep_boot")) {
  for (m in c("logit", "mean", "beta")) {
    add_ciprop(paste0(d, "/ciprop_", m), d, "sch.wide", "Yes", m)
    if (m != "logit" || d == "rep_jk1")
      add_ciprop(paste0(d, "/ciprop_", m, "_by"), d, "awards", "Yes", m, by = "stype")
  }
}

# --- tests of association (svychisq) ---------------------------------------------
# Every statistic on a two-way table; "F" is Rao and Scott's second-order
# correction. The statistic, its degrees of freedom and the p-value.

chisq_cases <- list()

add_chisq <- function(id, design, rows, cols, statistic, subset = NULL) {
  s <- designs[[design]]
  res <- with_options(s, {
    des <- build(s)
    if (!is.null(subset)) des <- eval(parse(text = sprintf("subset(des, %s)", subset)))
    f <- as.formula(sprintf("~`%s` + `%s`", rows, cols))
    svychisq(f, des, statistic = statistic)
  })
  df <- unname(res$parameter)
  chisq_cases[[length(chisq_cases) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), rows = jstr(rows), cols = jstr(cols),
    statistic_name = jstr(statistic), subset = if (is.null(subset)) "null" else jstr(subset),
    statistic = jnum(res$statistic), ndf = jnum(df[1]),
    ddf = if (length(df) > 1) jnum(df[2]) else "null", p_value = jnum(res$p.value)))
}

for (d in c("srs", "strat", "clus1", "clus1_nofpc", "clus2", "rep_jk1", "rep_jkn",
            "rep_brr", "asrep_brr")) {
  for (st in c("F", "Chisq", "Wald", "adjWald")) {
    add_chisq(paste0(d, "/chisq_", st), d, "sch.wide", "stype", st)
    add_chisq(paste0(d, "/chisq_awards_", st), d, "awards", "stype", st)
  }
}
for (st in c("F", "Wald")) add_chisq(paste0("strat/chisq_subset_", st), "strat", "sch.wide",
                                      "awards", st, subset = "stype != 'E'")

# --- our own bootstrap draws, loosely ----------------------------------------------
# R's bootstrap replicates use R's generator; micropop's use numpy's. Both
# estimate the same variance: R's SE with many replicates is compared with
# micropop's at a loose tolerance.

boot_cases <- list()
set.seed(20240602)
for (d in c("clus1", "clus1_nofpc", "strat")) {
  des <- as.svrepdesign(build(designs[[d]]), type = "bootstrap", replicates = 2000)
  est <- svymean(~api00 + enroll, des)
  boot_cases[[length(boot_cases) + 1]] <- jobj(list(
    id = jstr(paste0(d, "/bootstrap_mean")), design = jstr(d), replicates = jnum(2000),
    vars = jstrs(c("api00", "enroll")), estimate = jvec(coef(est)), se = jvec(SE(est)),
    scale = jnum(des$scale)))
}

# --- errors R raises ---------------------------------------------------------

errors <- list()
add_error <- function(id, design, expr) {
  s <- designs[[design]]
  msg <- tryCatch(with_options(s, {
    eval(expr, list(des = build(s)))
    NA_character_
  }), error = function(e) conditionMessage(e))
  stopifnot(!is.na(msg))
  errors[[length(errors) + 1]] <<- jobj(list(
    id = jstr(id), design = jstr(design), r_message = jstr(msg)))
}
designs$lonely_fail <- spec("apiclus1", strata = "dnum", weights = "pw")
designs$not_nested <- spec("apiclus1", psu = "dnum", strata = "stype", weights = "pw")
add_error("lonely_fail/mean", "lonely_fail", quote(svymean(~api00, des)))
add_error("not_nested/design", "not_nested", quote(des))
# BRR needs two PSUs per stratum (R's default splits larger strata with an even
# number of PSUs into pairs; micropop asks for pairs)
add_error("lonely_fail/brr", "lonely_fail", quote(as.svrepdesign(des, type = "BRR")))

# --- write -------------------------------------------------------------------

design_json <- jobj(lapply(designs, function(s) if (identical(s$kind, "from_design")) jobj(list(
  kind = jstr("from_design"), base = jstr(s$base), method = jstr(s$method),
  fay_rho = if (is.null(s$fay_rho)) "null" else jnum(s$fay_rho)))
  else if (identical(s$kind, "replicate")) jobj(list(
  kind = jstr("replicate"), data = jstr(s$data), weights = jstr(s$weights),
  replicate_weights = jstr(s$replicate_weights), method = jstr(s$method),
  scale = if (is.null(s$scale)) "null" else jnum(s$scale),
  rscales = if (is.null(s$rscales)) "null" else jvec(s$rscales),
  fay_rho = if (is.null(s$fay_rho)) "null" else jnum(s$fay_rho), mse = tolower(s$mse)))
  else jobj(list(
  kind = jstr("linearization"),
  data = jstr(s$data), psu = jstrs(s$psu), strata = jstrs(s$strata),
  weights = jstrs(s$weights), fpc = jstrs(s$fpc), nest = tolower(s$nest),
  lonely_psu = jstr(s$lonely_psu),
  ultimate_cluster = tolower(s$ultimate_cluster),
  adjust_domain_lonely = tolower(s$adjust_domain_lonely)))))

meta <- jobj(list(
  r_version = jstr(paste(R.version$major, R.version$minor, sep = ".")),
  survey_version = jstr(as.character(packageVersion("survey"))),
  script = jstr("tests/reference/make_refs.R"),
  note = jstr(paste("confint: normal (ci_*) and t with degf(design) (ci_t_*);",
                    "svyby rows give one variable by domain"))))

json <- paste0("{\n\"meta\": ", meta,
               ",\n\"designs\": ", design_json,
               ",\n\"cases\": [\n", paste(unlist(cases), collapse = ",\n"),
               "\n],\n\"contrasts\": [\n", paste(unlist(contrasts), collapse = ",\n"),
               "\n],\n\"quantiles\": [\n", paste(unlist(quantile_cases), collapse = ",\n"),
               "\n],\n\"proportions\": [\n", paste(unlist(ciprop_cases), collapse = ",\n"),
               "\n],\n\"chisq\": [\n", paste(unlist(chisq_cases), collapse = ",\n"),
               "\n],\n\"bootstrap\": [\n", paste(unlist(boot_cases), collapse = ",\n"),
               "\n],\n\"errors\": [\n", paste(unlist(errors), collapse = ",\n"),
               "\n]\n}\n")
writeLines(json, file.path(out_dir, "golden.json"), sep = "")
cat(sprintf("wrote %d quantile cases, %d proportion cases, %d chisq cases\n",
            length(quantile_cases), length(ciprop_cases), length(chisq_cases)))
cat(sprintf("wrote %d cases, %d errors (R %s, survey %s)\n", length(cases),
            length(errors), paste(R.version$major, R.version$minor, sep = "."),
            packageVersion("survey")))
