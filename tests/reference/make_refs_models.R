# Reference numbers for micropop.models.glm, computed with R's `survey` svyglm.
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1):
#
#     Rscript tests/reference/make_refs_models.R
#
# It writes tests/reference/models_refs.json and reads (never rewrites) the
# fixtures make_refs.R wrote. Each case names a design of golden.json (the
# Python tests rebuild it with tests/support/golden.build; "raked" and
# "poststratified" are clus1 reweighted as written below), an optional subset
# (R's subset(), micropop's des.subset()), the family and link, and R's model
# matrix over every row of the data (columns as R names them; null where a
# value is missing: svyglm leaves those rows out) with the response, so the
# tests do not depend on a formula parser. Recorded:
# coefficients, the full vcov, df.residual and summary()'s dispersion.
#
# Every fit runs to the fixed point of IRLS (glm.control(epsilon = 1e-300,
# maxit = 200): it stops when the deviance no longer changes at all). R's
# default stops at a relative deviance change of 1e-8, which leaves the
# coefficients (non-canonical links) and, through the working weights of the
# step before the last, the variances a few units off in the 7th digit.

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))

source(file.path("tests", "reference", "golden_designs.R"))  # build(), design_of()

families <- list(
  gaussian = function(link) gaussian(link = link),
  binomial = function(link) binomial(link = link),
  quasibinomial = function(link) quasibinomial(link = link),
  poisson = function(link) poisson(link = link),
  quasipoisson = function(link) quasipoisson(link = link),
  Gamma = function(link) Gamma(link = link))

cases <- list()
add <- function(id, design, formula, family, link, subset = NULL) {
  des <- design_of(design)
  des$variables$schwide <- as.numeric(des$variables$sch.wide == "Yes")
  full <- des$variables
  fam <<- families[[family]](link)  # svyglm on replicates evaluates its call globally
  ctl <<- glm.control(epsilon = 1e-300, maxit = 200)
  if (!is.null(subset)) des <- eval(parse(text = sprintf("subset(des, %s)", subset)))
  fit <- suppressWarnings(svyglm(as.formula(formula), design = des, family = fam,
                                 control = ctl))
  stopifnot(fit$iter < 200)
  mf <- model.frame(as.formula(formula), full, na.action = na.pass)  # NA rows kept, as null
  X <- model.matrix(as.formula(formula), mf)
  s <- summary(fit)
  cases[[length(cases) + 1]] <<- list(
    id = id, design = design, subset = subset, formula = formula, family = family,
    link = link, columns = colnames(X), X = unname(split(X, col(X))),
    y = unname(model.response(mf)), coef = unname(coef(fit)),
    vcov = unname(split(vcov(fit), col(vcov(fit)))), df_residual = fit$df.residual,
    dispersion = as.numeric(s$dispersion), iterations = fit$iter)
}

main <- "api00 ~ ell + meals + mobility"
for (d in c("strat", "clus1", "clus2")) {
  add(paste0(d, "/gaussian"), d, main, "gaussian", "identity")
  add(paste0(d, "/quasibinomial"), d, "schwide ~ ell + meals", "quasibinomial", "logit")
  add(paste0(d, "/quasipoisson"), d,
      if (d == "clus2") "api.stu ~ ell + meals" else "enroll ~ ell + meals",
      "quasipoisson", "log")
}
add("strat/gamma_log", "strat", "enroll ~ ell + meals", "Gamma", "log")
add("clus1/gamma_inverse", "clus1", "enroll ~ meals", "Gamma", "inverse")
add("clus1/binomial_probit", "clus1", "schwide ~ ell + meals", "binomial", "probit")
add("clus1/quasibinomial_cloglog", "clus1", "schwide ~ ell + meals", "quasibinomial", "cloglog")
add("strat/poisson", "strat", "api.stu ~ ell + mobility", "poisson", "log")
add("clus2/gaussian_log", "clus2", "api00 ~ ell + meals", "gaussian", "log")
add("clus1/factor", "clus1", "api00 ~ stype + ell", "gaussian", "identity")
add("strat/interaction", "strat", "api00 ~ stype * meals", "gaussian", "identity")
add("strat/interaction_logit", "strat", "schwide ~ stype + meals + stype:meals",
    "quasibinomial", "logit")
add("clus1/no_intercept", "clus1", "api00 ~ ell + meals - 1", "gaussian", "identity")
add("clus1/subset", "clus1", "api00 ~ ell + meals", "gaussian", "identity", 'stype == "E"')
add("strat/subset_logit", "strat", "schwide ~ meals", "quasibinomial", "logit",
    'stype != "H"')
add("clus2/missing_rows", "clus2", "enroll ~ ell + meals", "quasipoisson", "log")
add("clus2/missing_rows_subset", "clus2", "enroll ~ ell + meals", "gaussian", "identity",
    'stype != "H"')
add("clus2/subset", "clus2", "api00 ~ ell + meals", "gaussian", "identity", 'stype == "E"')
add("raked/gaussian", "raked", "api00 ~ ell + meals", "gaussian", "identity")
add("raked/quasibinomial", "raked", "schwide ~ ell + meals", "quasibinomial", "logit")
add("raked/missing_rows", "raked", "api00 ~ avg.ed + meals", "gaussian", "identity")
add("raked/missing_rows_subset", "raked", "api00 ~ avg.ed + meals", "gaussian", "identity",
    'stype == "E"')
add("clus1/missing_rows_logit", "clus1", "schwide ~ acs.46 + meals", "quasibinomial", "logit")
add("poststratified/gaussian", "poststratified", "api00 ~ ell + meals", "gaussian", "identity")
add("poststratified/subset", "poststratified", "api00 ~ ell + meals", "gaussian", "identity",
    'stype == "E"')
for (d in c("rep_jk1", "rep_jk1_mse", "rep_jkn", "rep_brr", "rep_fay", "rep_boot")) {
  add(paste0(d, "/gaussian"), d, "api00 ~ api99 + stype", "gaussian", "identity")
  add(paste0(d, "/quasibinomial"), d, "schwide ~ api99", "quasibinomial", "logit")
}
add("rep_jk1/missing_rows", "rep_jk1", "api00 ~ acs.k3", "gaussian", "identity")
add("rep_jk1/subset", "rep_jk1", "api00 ~ api99", "gaussian", "identity", 'stype == "E"')
add("asrep_jkn_strat/quasipoisson", "asrep_jkn_strat", "enroll ~ ell + meals",
    "quasipoisson", "log")

out <- list(meta = list(r = R.version.string,
                        survey = as.character(packageVersion("survey")),
                        margins = list(stype = setNames(as.list(pop_stype$Freq),
                                                        as.character(pop_stype$stype)),
                                       sch.wide = setNames(as.list(pop_schwide$Freq),
                                                           pop_schwide$sch.wide))),
            cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "models_refs.json"))
