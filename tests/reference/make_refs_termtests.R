# Reference numbers for micropop.models.term_tests (GLMResult.wald_test), computed
# with R's `survey` regTermTest (method = "Wald").
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1):
#
#     Rscript tests/reference/make_refs_termtests.R
#
# It writes tests/reference/termtests_refs.json. The designs are those of
# make_refs_models.R (golden.json's, and "raked": clus1 raked to apipop's
# margins), built by golden_designs.R, which both scripts source. Each case records the design, the model
# formula and family, and for each test the terms (a formula's right-hand
# side as regTermTest takes it), df (null: R's default, the model's
# df.residual; "Inf": the chi-square form), and what regTermTest returns:
# Ftest, df, ddf and p in the F form; chisq, df and p in the chi-square form
# (the other fields empty).
#
# "lrt_cases" (same layout) hold regTermTest(..., method = "LRT") with its default
# lrt.approximation = "saddlepoint": chisq (the difference of the deviances of
# the model without the terms and of the model, prior weights over their
# mean), df, ddf, lambda (eigenvalues of solve(naive.cov) %*% vcov over the
# coefficients tested) and p.

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))

source(file.path("tests", "reference", "golden_designs.R"))  # build(), design_of()

fit_of <- function(design, formula, family, subset = NULL) {
  des <<- design_of(design)  # global: regTermTest's LRT refits by update() there
  if (!is.null(subset)) des <<- eval(parse(text = sprintf("subset(des, %s)", subset)))
  fam <<- get(family)()  # svyglm on replicates evaluates its call globally
  ctl <<- glm.control(epsilon = 1e-300, maxit = 200)
  fit <- svyglm(as.formula(formula), design = des, family = fam, control = ctl)
  stopifnot(fit$iter < 200)
  fit
}

cases <- list()
add <- function(id, design, formula, family, tests) {
  fit <- fit_of(design, formula, family)
  out <- lapply(tests, function(t) {
    df <- if (is.null(t$df)) NULL else Inf
    r <- regTermTest(fit, as.formula(t$terms), df = df, method = "Wald")
    list(terms = t$terms, df_arg = t$df, Ftest = as.numeric(r$Ftest),
         chisq = as.numeric(r$chisq), df = r$df, ddf = r$ddf, p = as.numeric(r$p))
  })
  cases[[length(cases) + 1]] <<- list(id = id, design = design, formula = formula,
                                      family = family, df_residual = fit$df.residual,
                                      coef = unname(coef(fit)), tests = out)
}

add("strat/interaction", "strat", "api00 ~ stype * meals", "gaussian",
    list(list(terms = "~ stype"), list(terms = "~ stype:meals"),
         list(terms = "~ stype + meals:stype"), list(terms = "~ stype", df = "Inf")))
add("clus2/interaction", "clus2", "api00 ~ ell * meals + stype", "gaussian",
    list(list(terms = "~ ell:meals"), list(terms = "~ stype"),
         list(terms = "~ ell + ell:meals")))
add("clus1/quasipoisson", "clus1", "enroll ~ ell + stype", "quasipoisson",
    list(list(terms = "~ stype"), list(terms = "~ stype", df = "Inf")))
add("rep_jk1/gaussian", "rep_jk1", "api00 ~ api99 + stype", "gaussian",
    list(list(terms = "~ stype"), list(terms = "~ api99 + stype")))
add("rep_boot/gaussian", "rep_boot", "api00 ~ api99 + stype", "gaussian",
    list(list(terms = "~ stype")))
add("raked/gaussian", "raked", "api00 ~ ell + meals + stype", "gaussian",
    list(list(terms = "~ ell + meals"), list(terms = "~ stype")))

lrt_cases <- list()
add_lrt <- function(id, design, formula, family, tests, subset = NULL) {
  fit <- fit_of(design, formula, family, subset)
  out <- lapply(tests, function(t) {
    df <- if (is.null(t$df)) NULL else Inf
    r <- regTermTest(fit, as.formula(t$terms), df = df, method = "LRT")
    list(terms = t$terms, df_arg = t$df, chisq = as.numeric(r$chisq), df = r$df,
         ddf = r$ddf, lambda = as.numeric(r$lambda), p = as.numeric(r$p))
  })
  lrt_cases[[length(lrt_cases) + 1]] <<- list(id = id, design = design, subset = subset,
                                              formula = formula, family = family,
                                              coef = unname(coef(fit)), tests = out)
}

add_lrt("strat/gaussian", "strat", "api00 ~ stype * meals", "gaussian",
        list(list(terms = "~ stype"), list(terms = "~ stype:meals"),
             list(terms = "~ stype", df = "Inf")))
add_lrt("clus1/quasibinomial", "clus1", "sch.wide ~ stype + ell + meals", "quasibinomial",
        list(list(terms = "~ stype"), list(terms = "~ ell + meals"),
             list(terms = "~ meals", df = "Inf")))
add_lrt("clus1/quasipoisson", "clus1", "enroll ~ ell + stype", "quasipoisson",
        list(list(terms = "~ stype")))
add_lrt("clus2/interaction", "clus2", "api00 ~ ell * meals + stype", "gaussian",
        list(list(terms = "~ ell:meals"), list(terms = "~ stype")))
add_lrt("raked/gaussian", "raked", "api00 ~ ell + meals + stype", "gaussian",
        list(list(terms = "~ ell + meals"), list(terms = "~ stype")))
add_lrt("rep_jk1/gaussian", "rep_jk1", "api00 ~ api99 + stype", "gaussian",
        list(list(terms = "~ stype"), list(terms = "~ api99 + stype")))
add_lrt("rep_jk1/quasibinomial", "rep_jk1", "sch.wide ~ api99 + stype", "quasibinomial",
        list(list(terms = "~ stype")))
add_lrt("clus1/subset", "clus1", "api00 ~ ell + meals", "gaussian",
        list(list(terms = "~ meals"), list(terms = "~ ell + meals")), subset = 'stype == "E"')
add_lrt("raked/subset", "raked", "api00 ~ ell + meals", "gaussian",
        list(list(terms = "~ meals")), subset = 'stype == "E"')
add_lrt("strat/subset_quasibinomial", "strat", "sch.wide ~ stype + meals", "quasibinomial",
        list(list(terms = "~ stype")), subset = 'stype != "H"')

out <- list(meta = list(r = R.version.string,
                        survey = as.character(packageVersion("survey"))),
            cases = cases, lrt_cases = lrt_cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "termtests_refs.json"))
