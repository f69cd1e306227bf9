# Reference numbers for micropop.models.olr, computed with R's `survey` svyolr.
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1, MASS 7.3):
#
#     Rscript tests/reference/make_refs_olr.R
#
# It writes tests/reference/olr_refs.json and reads (never rewrites) the
# fixtures make_refs.R wrote. Each case names a design of golden.json (the
# Python tests rebuild it with tests/support/golden.build; "raked" is clus1
# raked as golden_designs.R does), an optional subset (R's subset(),
# micropop's des.subset()), the formula and the link ("logistic" or
# "probit"). The ordered response is cut() from a number column with the
# breaks recorded (R's right-closed intervals, labelled "(0,25]"), as R's
# help page for svyolr makes `mealcat`. Recorded: coef(fit) (coefficients then
# thresholds, named as R names them), the full vcov, df.residual, and for some
# fits regTermTest() of a term.
#
# svyolr maximises the likelihood with optim's BFGS, which by default stops at
# a relative change of the objective of 1e-8 (coefficients good to about 1e-5)
# and takes the Hessian by differences of the gradient with steps of 1e-3. The
# reference fits pass optim a tighter control (reltol 1e-16, steps of 1e-6)
# and start it again from its own solution until the coefficients no longer
# move (to 1e-13): the same estimator, solved to about 1e-9. The help page's
# fit with R's defaults is recorded as well ("default") to show how far those
# are (about 1e-5 in the coefficients, 1e-3 in the variances).
# svyolr on a replicate design fits the replicates with MASS::polr at its
# default tolerance and passes no control to them; `replicate_fit` below is
# svyolr.svyrep.design's own code with the control given to every polr (and
# polr started again from its own solution in the same way).

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))
suppressPackageStartupMessages(library(MASS))

source(file.path("tests", "reference", "golden_designs.R"))  # build(), design_of()

cut_of <- list(mealcat = list(from = "meals", breaks = c(0, 25, 50, 75, 100)),
               apicat = list(from = "api00", breaks = c(0, 600, 700, 800, 1000)))

tight <- function(npar) list(reltol = 1e-16, maxit = 100000, ndeps = rep(1e-6, npar))

replicate_fit <- function(formula, design, method, npar) {
  environment(formula) <- environment()  # polr finds its weights there, as in svyolr
  df <- model.frame(design)
  pwt <- weights(design, "sampling")
  ctl <- tight(npar)
  polished <- function(w, start) {  # polr again from its own solution until it stays put
    environment(formula) <- environment()
    for (k in 1:50) {
      m <- if (is.null(start))
        polr(formula, data = df, model = FALSE, weights = w, method = method, control = ctl)
      else polr(formula, data = df, start = start, model = FALSE, weights = w, method = method,
                control = ctl)
      now <- c(m$coefficients, m$zeta)
      if (!is.null(start) && max(abs(now - start) / abs(now)) < 1e-13) break
      start <- now
    }
    list(fit = m, coef = now)
  }
  rval <- polished(pwt, NULL)$fit
  start <- c(rval$coefficients, rval$zeta)
  betas <- apply(weights(design, "analysis"), 2, function(w) polished(w, start)$coef)
  list(coef = start,
       var = svrVar(t(betas), design$scale, design$rscales, mse = design$mse, coef = start),
       df.residual = degf(design) - length(rval$coefficients))
}

cases <- list()
add <- function(id, design, formula, response, method = "logistic", subset = NULL,
                terms = NULL, default = FALSE) {
  des <- design_of(design)
  message(id)
  spec <- cut_of[[response]]
  des <- update(des, tmp = cut(des$variables[[spec$from]], spec$breaks))
  names(des$variables)[names(des$variables) == "tmp"] <- response
  if (!is.null(subset)) des <- eval(parse(text = sprintf("subset(des, %s)", subset)))
  des <<- des  # regTermTest evaluates the fit's call (design, formula) globally
  f <<- as.formula(formula)
  first <- suppressWarnings(if (inherits(des, "svyrep.design"))
    svyolr(f, des, method = method) else svyolr(f, des, method = method))
  npar <- length(coef(first))
  if (inherits(des, "svyrep.design")) {
    fit <- suppressWarnings(replicate_fit(f, des, method, npar))
    coefs <- fit$coef
    V <- fit$var
    dfr <- fit$df.residual
    tests <- NULL
  } else {
    fit <- first
    for (k in 1:50) {  # optim again from its own solution until it stays put
      theta <- c(fit$zeta[1], log(diff(fit$zeta)))
      before <- coef(fit)
      fit <- suppressWarnings(svyolr(f, des, method = method, control = tight(npar),
                                     start = c(fit$coefficients, theta)))
      stopifnot(fit$convergence == 0)
      if (max(abs(coef(fit) - before) / abs(coef(fit))) < 1e-13) break
    }
    coefs <- coef(fit)
    V <- vcov(fit)
    dfr <- fit$df.residual
    tests <- lapply(terms, function(t) {
      r <- regTermTest(fit, as.formula(paste("~", t)))
      list(term = t, F = as.numeric(r$Ftest), df = r$df, ddf = r$ddf, p = as.numeric(r$p))
    })
  }
  case <- list(id = id, design = design, subset = subset, formula = formula, method = method,
               response = response, from = spec$from, breaks = spec$breaks,
               levels = levels(des$variables[[response]]),
               names = names(coefs), coef = unname(coefs),
               vcov = unname(split(V, col(V))), df_residual = dfr, tests = tests)
  if (default)
    case$default <- list(coef = unname(coef(first)),
                         vcov = unname(split(vcov(first), col(vcov(first)))))
  cases[[length(cases) + 1]] <<- case
}

help <- "mealcat ~ avg.ed + mobility + stype"
add("clus1/help", "clus1", help, "mealcat", terms = c("stype", "avg.ed"), default = TRUE)
add("strat/logistic", "strat", help, "mealcat", terms = "stype")
add("clus2/logistic", "clus2", help, "mealcat")  # avg.ed has missing values: na.omit
add("clus1/probit", "clus1", help, "mealcat", method = "probit", terms = "stype")
add("strat/probit", "strat", "mealcat ~ ell + mobility", "mealcat", method = "probit")
add("strat/subset", "strat", "mealcat ~ avg.ed + mobility", "mealcat", subset = 'stype != "H"')
add("clus1/subset", "clus1", "mealcat ~ avg.ed + ell", "mealcat", subset = 'stype == "E"')
add("raked/logistic", "raked", "mealcat ~ ell + mobility + stype", "mealcat")
add("asrep_jk1/logistic", "asrep_jk1", help, "mealcat")
add("rep_jk1/logistic", "rep_jk1", "apicat ~ stype + awards", "apicat")
add("rep_boot/logistic", "rep_boot", "apicat ~ stype + awards", "apicat")
add("rep_jk1/probit", "rep_jk1", "apicat ~ stype + awards", "apicat", method = "probit")
add("rep_jk1/subset", "rep_jk1", "apicat ~ awards + api99", "apicat", subset = 'stype != "H"')

out <- list(meta = list(r = R.version.string,
                        survey = as.character(packageVersion("survey")),
                        mass = as.character(packageVersion("MASS")),
                        note = "survey 4.1.1 as packaged by Debian"),
            cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "olr_refs.json"))
