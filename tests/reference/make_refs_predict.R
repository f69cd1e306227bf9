# Reference numbers for GLMResult.predict, computed with R's `survey` predict.svyglm.
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1):
#
#     Rscript tests/reference/make_refs_predict.R
#
# It writes tests/reference/predict_refs.json and reads (never rewrites) the
# fixtures make_refs.R wrote and the designs of golden.json. Each case fits a
# formula on a design (golden_designs.R's design_of(), shared with make_refs_models.R; "raked" is clus1
# raked to apipop's stype and sch.wide margins, recorded in models_refs.json's
# meta) and predicts on the rows `newdata` of the design's data (1-based) with
# se.fit = TRUE, on the link and the response scales: the estimates, their
# variances (vcov = TRUE: the full covariance) and R's confint() of the
# predictions, with the fit's coefficients and vcov (so the predictions can be checked
# apart from the fit). Python refits the same formula with micropop's own coding.

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))

source(file.path("tests", "reference", "golden_designs.R"))  # build(), design_of()

families <- list(gaussian = gaussian, quasibinomial = quasibinomial, Gamma = Gamma)
cases <- list()
add <- function(id, design, formula, family, link, newdata) {
  des <- design_of(design)
  fam <<- families[[family]](link = link)
  ctl <<- glm.control(epsilon = 1e-300, maxit = 200)
  fit <- suppressWarnings(svyglm(as.formula(formula), design = des, family = fam,
                                 control = ctl))
  stopifnot(fit$iter < 200)
  nd <- des$variables[newdata, ]
  out <- list(id = id, design = design, formula = formula, family = family, link = link,
              newdata = newdata, coef = unname(coef(fit)),
              vcov = unname(split(vcov(fit), col(vcov(fit)))), predictions = list())
  for (type in c("link", "response")) {
    p <- predict(fit, newdata = nd, type = type, se.fit = TRUE, vcov = TRUE)
    ci <- confint(p)
    out$predictions[[type]] <- list(estimate = unname(as.vector(coef(p))),
                        vcov = unname(split(vcov(p), col(vcov(p)))),
                        se = unname(as.vector(SE(p))),
                        ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]))
  }
  cases[[length(cases) + 1]] <<- out
}

rows <- c(1:8, 40, 60, 100, 150)
add("strat/gaussian", "strat", "api00 ~ ell + meals + mobility", "gaussian", "identity", rows)
add("clus1/quasibinomial_factor", "clus1", "sch.wide ~ stype + meals", "quasibinomial",
    "logit", rows)
add("strat/gamma_log", "strat", "enroll ~ ell + meals", "Gamma", "log", rows)
add("rep_jk1/gaussian", "rep_jk1", "api00 ~ api99 + stype", "gaussian", "identity", 1:12)
add("rep_jk1/quasibinomial", "rep_jk1", "sch.wide ~ api99", "quasibinomial", "logit", 1:12)
add("raked/quasibinomial", "raked", "sch.wide ~ ell + meals", "quasibinomial", "logit", rows)

out <- list(meta = list(r = R.version.string, survey = as.character(packageVersion("survey"))),
            cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "predict_refs.json"))
