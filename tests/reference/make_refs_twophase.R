# Reference numbers for micropop.design.TwoPhaseDesign, computed with R's `survey`
# twophase() under its default method="full" (twophase2, the sparse-matrix design).
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1, survival):
#
#     Rscript tests/reference/make_refs_twophase.R
#
# It writes tests/reference/twophase_refs.json and the fixtures twophase_*.csv it
# reads back (written first, then read with read.csv, so R and Python see the same
# numbers). The designs are R's own examples in ?twophase (pbc: two-phase simple
# random sampling; mu284: a cluster sample as two phases; nwtco: the case-cohort and
# two-phase case-control samples of the Wilms tumour study, its random phase two
# drawn here with a fixed seed) and three api designs with a phase two drawn with a
# fixed seed (a stratified phase one with fpc, a cluster phase one with fpc, a
# cluster phase one with probabilities and no fpc). Each case records the design's
# spec (pairs: phase one, phase two), then for each statistic the estimates, the full
# covariance and its phase-one and phase-two parts (attr(vcov, "phases")). The
# current survey (cran/survey R/twophase2.R) computes these as 4.1.1 does.

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(survival))
suppressPackageStartupMessages(library(jsonlite))

fixture_path <- function(name) file.path("tests", "reference", "fixtures",
                                         paste0("twophase_", name, ".csv"))
write_fixture <- function(df, name) {
  write.csv(df, fixture_path(name), row.names = FALSE, na = "")
  read.csv(fixture_path(name), check.names = FALSE, stringsAsFactors = TRUE, na.strings = "")
}

# --- the data --------------------------------------------------------------------

data(pbc, package = "survival")
pbc$randomized <- with(pbc, !is.na(trt) & trt > 0)
pbc$id <- seq_len(nrow(pbc))
pbc <- write_fixture(pbc[, c("id", "randomized", "bili", "albumin", "chol", "age",
                             "sex", "edema", "trt")], "pbc")

data(mu284)
ii <- with(mu284, c(1:15, rep(1:5, n2[1:5] - 3)))
mu <- mu284[ii, ]
mu$id <- seq_len(nrow(mu))
mu$sub <- rep(c(TRUE, FALSE), c(15, 34 - 15))
mu <- write_fixture(mu, "mu284")

data(nwtco)
set.seed(15)
nwtco$incc2 <- as.logical(with(nwtco, ifelse(rel | instit == 2, 1, rbinom(nrow(nwtco), 1, .1))))
nwtco$case_cohort <- with(nwtco, in.subcohort | rel == 1)
nwtco$relinst <- with(nwtco, paste(rel, instit, sep = "."))
nwtco$relstageinst <- with(nwtco, paste(rel, stage, instit, sep = "."))
nwtco$histol_f <- factor(ifelse(nwtco$histol == 1, "favourable", "unfavourable"))
nwtco <- write_fixture(nwtco, "nwtco")

data(api)
set.seed(2)
strat <- apistrat
strat$in2 <- strat$awards == "No" | runif(nrow(strat)) < 0.4
strat <- write_fixture(strat[, c("snum", "stype", "fpc", "pw", "awards", "api00", "api99",
                                 "enroll", "sch.wide", "in2")], "apistrat")
set.seed(3)
clus <- apiclus1
clus$in2 <- clus$stype == "H" | runif(nrow(clus)) < 0.5
clus$prob1 <- 1 / clus$pw
clus <- write_fixture(clus[, c("snum", "dnum", "stype", "fpc", "pw", "prob1", "api00",
                               "api99", "enroll", "sch.wide", "in2")], "apiclus1")

# --- the designs -------------------------------------------------------------------

formula_of <- function(col) if (is.null(col)) NULL else as.formula(paste0("~`", col, "`"))
pair_of <- function(x) lapply(x, function(v) if (is.null(v)) NULL else formula_of(v))
specs <- list(
  pbc = list(data = "pbc", subset = "randomized", psu = list("id", "id"),
             strata = list(NULL, NULL), probs = list(NULL, NULL), fpc = list(NULL, NULL)),
  mu284 = list(data = "mu284", subset = "sub", psu = list("id1", "id"),
               strata = list(NULL, "id1"), probs = list(NULL, NULL), fpc = list("n1", NULL)),
  case_cohort = list(data = "nwtco", subset = "case_cohort", psu = list("seqno", "seqno"),
                     strata = list(NULL, "rel"), probs = list(NULL, NULL),
                     fpc = list(NULL, NULL)),
  case_control = list(data = "nwtco", subset = "incc2", psu = list("seqno", "seqno"),
                      strata = list(NULL, "relinst"), probs = list(NULL, NULL),
                      fpc = list(NULL, NULL)),
  strat = list(data = "apistrat", subset = "in2", psu = list(NULL, NULL),
               strata = list("stype", "awards"), probs = list(NULL, NULL),
               fpc = list("fpc", NULL)),
  clus_fpc = list(data = "apiclus1", subset = "in2", psu = list("dnum", "snum"),
                  strata = list(NULL, "stype"), probs = list(NULL, NULL),
                  fpc = list("fpc", NULL)),
  clus_probs = list(data = "apiclus1", subset = "in2", psu = list("dnum", "snum"),
                    strata = list(NULL, "stype"), probs = list("prob1", NULL),
                    fpc = list(NULL, NULL)))
# R's older variance (twophasevar): method = "approx", "simple" (the same code in survey
# 4.1.1), as R's example dccs8_simple
with_method <- function(spec, method) c(spec, list(method = method))
specs$pbc_simple <- with_method(specs$pbc, "simple")
specs$mu284_approx <- with_method(specs$mu284, "approx")
specs$case_control_simple <- with_method(specs$case_control, "simple")
specs$case_control_simple$strata <- list(NULL, "relstageinst")
specs$strat_approx <- with_method(specs$strat, "approx")
# phase-two strata that split a phase-one cluster (stype within dnum) make R's usu vary
# within the cluster, and R's onestrat.phase1 then pairs the clusters' sums (rowsum:
# sorted) with the usu of their first rows in order of appearance: micropop refuses
# them, so these cases leave phase two unstratified
specs$clus_fpc_approx <- with_method(specs$clus_fpc, "approx")
specs$clus_fpc_approx$strata <- list(NULL, NULL)
specs$clus_probs_approx <- with_method(specs$clus_probs, "approx")
specs$clus_probs_approx$strata <- list(NULL, NULL)
frames <- list(pbc = pbc, mu284 = mu, nwtco = nwtco, apistrat = strat, apiclus1 = clus)

design_of <- function(s) {
  ids <- lapply(s$psu, function(v) if (is.null(v)) ~1 else formula_of(v))
  args <- list(id = ids, strata = pair_of(s$strata), probs = pair_of(s$probs),
               fpc = pair_of(s$fpc), subset = formula_of(s$subset), data = frames[[s$data]],
               method = if (is.null(s$method)) "full" else s$method)
  suppressWarnings(do.call(twophase, args))  # a cohort at phase one: R warns "equal probability"
}

# --- the statistics ----------------------------------------------------------------

stat_of <- function(est, kind, variables) {
  v <- attr(est, "var")
  phases <- attr(v, "phases")
  list(kind = kind, variables = I(variables), names = I(names(coef(est))), estimate = unname(as.vector(coef(est))),
       vcov = unname(as.matrix(v)), phase1 = unname(as.matrix(phases$phase1)),
       phase2 = unname(as.matrix(phases$phase2)))
}
ratio_of <- function(num, den, des) {
  r <- svyratio(formula_of(num), formula_of(den), des)
  list(kind = "ratio", numerator = num, denominator = den,
       estimate = unname(as.vector(r$ratio)), var = unname(as.vector(r$var)))
}
by_of <- function(var, by, fun, des, kind) {
  b <- svyby(formula_of(var), formula_of(by), des, fun, covmat = TRUE)
  list(kind = kind, variable = var, by = by, levels = as.character(b[[by]]),
       estimate = unname(as.vector(coef(b))), vcov = unname(as.matrix(vcov(b))))
}
glm_of <- function(formula, des) {  # R's ?twophase example: svyglm on the case-control design
  # run to the fixed point of IRLS, as make_refs_models.R (R's default stops at 1e-8)
  fit <- svyglm(as.formula(formula), design = des, family = quasibinomial(),
                control = glm.control(epsilon = 1e-300, maxit = 200))
  list(kind = "glm", formula = formula, names = I(names(coef(fit))),
       estimate = unname(coef(fit)), vcov = unname(as.matrix(vcov(fit))))
}
ciprop_of <- function(var, level, des) {
  p <- svyciprop(as.formula(sprintf("~I(`%s` == \"%s\")", var, level)), des, method = "logit")
  list(kind = "proportion", variable = var, level = level, estimate = unname(as.vector(coef(p))),
       var = unname(as.vector(attr(p, "var"))), ci = unname(as.vector(confint(p))))
}
quantile_of <- function(var, p, des) {
  q <- svyquantile(formula_of(var), des, p)[[var]]
  list(kind = "quantile", variable = var, p = p, estimate = unname(q[, "quantile"]),
       ci = unname(c(q[, "ci.2.5"], q[, "ci.97.5"])), se = unname(q[, "se"]))
}
cases <- list(
  pbc = list(
    total = function(d) stat_of(svytotal(~bili + albumin, d), "total", c("bili", "albumin")),
    mean = function(d) stat_of(svymean(~bili + albumin + age, d), "mean", c("bili", "albumin", "age")),
    mean_na = function(d) stat_of(svymean(~chol, d, na.rm = TRUE), "mean", c("chol")),
    ratio = function(d) ratio_of("bili", "albumin", d),
    by = function(d) by_of("bili", "sex", svymean, d, "mean")),
  mu284 = list(
    total = function(d) stat_of(svytotal(~y1, d), "total", c("y1")),
    mean = function(d) stat_of(svymean(~y1, d), "mean", c("y1"))),
  case_cohort = list(
    total = function(d) stat_of(svytotal(~edrel + age, d), "total", c("edrel", "age")),
    mean = function(d) stat_of(svymean(~edrel + age, d), "mean", c("edrel", "age")),
    share = function(d) stat_of(svymean(~histol_f, d), "mean", c("histol_f")),
    ratio = function(d) ratio_of("edrel", "age", d),
    by = function(d) by_of("age", "histol_f", svymean, d, "mean"),
    by_total = function(d) by_of("edrel", "histol_f", svytotal, d, "total"),
    proportion = function(d) ciprop_of("histol_f", "favourable", d),
    # svymean's deff (svytotal.twophase2's leaves out the division by n: not compared)
    deff = function(d) list(kind = "deff", variables = I(c("age", "edrel")),
                            deff = unname(as.vector(deff(svymean(~age + edrel, d,
                                                                   deff = TRUE)))))),
  case_control = list(
    total = function(d) stat_of(svytotal(~edrel + age, d), "total", c("edrel", "age")),
    mean = function(d) stat_of(svymean(~edrel + age, d), "mean", c("edrel", "age")),
    share = function(d) stat_of(svymean(~histol_f, d), "mean", c("histol_f")),
    ratio = function(d) ratio_of("edrel", "age", d),
    by = function(d) by_of("age", "histol_f", svymean, d, "mean"),
    proportion = function(d) ciprop_of("histol_f", "favourable", d),
    quantile = function(d) quantile_of("age", 0.5, d),
    glm = function(d) glm_of("rel ~ factor(stage) * factor(histol)", d)),
  strat = list(
    total = function(d) stat_of(svytotal(~api00 + enroll, d), "total", c("api00", "enroll")),
    mean = function(d) stat_of(svymean(~api00 + api99, d), "mean", c("api00", "api99")),
    ratio = function(d) ratio_of("api00", "api99", d),
    by = function(d) by_of("api00", "sch.wide", svymean, d, "mean")),
  clus_fpc = list(
    total = function(d) stat_of(svytotal(~api00 + enroll, d), "total", c("api00", "enroll")),
    mean = function(d) stat_of(svymean(~api00 + api99, d), "mean", c("api00", "api99")),
    ratio = function(d) ratio_of("api00", "api99", d),
    by = function(d) by_of("api00", "sch.wide", svymean, d, "mean")),
  clus_probs = list(
    total = function(d) stat_of(svytotal(~api00 + enroll, d), "total", c("api00", "enroll")),
    mean = function(d) stat_of(svymean(~api00 + api99, d), "mean", c("api00", "api99")),
    ratio = function(d) ratio_of("api00", "api99", d)))
approx_stats <- list(
  pbc_simple = cases$pbc[c("total", "mean", "ratio", "by")],
  mu284_approx = cases$mu284,
  case_control_simple = c(cases$case_control[c("total", "mean", "share", "ratio", "by")],
                          list(glm = function(d) glm_of("rel ~ factor(stage) * factor(histol)",
                                                        d))),
  strat_approx = cases$strat,
  clus_fpc_approx = cases$clus_fpc,
  clus_probs_approx = cases$clus_probs)
cases <- c(cases, approx_stats)

# R's Dcheck_multi_subset reads the phase-one sample sizes by position among the
# phase-two units (sampsize[ithese]) instead of at each unit's own row: with strata and
# an fpc at phase one the phase-one term is then wrong (for the "strat" case here R's
# svytotal variance is negative). The designs with a stratified phase one without
# replacement are recomputed with R's own Dcheck code given each unit's sample size
# (sampsize[uid]): the formula R means (Sarndal et al. 9.3), which micropop follows.
corrected <- function(des) {
  d1 <- des$phase1$full
  subset <- des$subset
  id <- d1$cluster[, 1]
  uid <- rep(FALSE, length(id))
  uid[subset] <- !duplicated(id[subset])
  idx <- match(id[subset], id[subset][uid[subset]])
  sampsize <- ave(as.numeric(id), d1$strata[, 1], FUN = function(i) length(unique(i)))
  phase1 <- survey:::Dcheck_subset(d1$strata[uid, 1], d1$allprob[uid, 1], sampsize[uid],
                                   is.null(d1$fpc$popsize))[idx, idx]
  phase1 <- survey:::twophaseDcheck(matrix(0, sum(subset), sum(subset)), phase1)
  des$dcheck <- list(phase1 = phase1, phase2 = des$dcheck$phase2,
                     full = survey:::twophaseDcheck(phase1, des$dcheck$phase2))
  des
}
corrected_cases <- c("strat")

out <- list(meta = list(R = R.version.string, survey = as.character(packageVersion("survey")),
                        survival = as.character(packageVersion("survival")),
                        method = "full"),
            designs = specs, cases = list())
for (name in names(cases)) {
  des <- design_of(specs[[name]])
  if (name %in% corrected_cases) des <- corrected(des)
  out$cases[[name]] <- list(design = name, degf = degf(des),
                            dcheck = if (name %in% corrected_cases) "sampsize[uid]" else "R",
                            stats = lapply(cases[[name]], function(f) f(des)))
}
# calibrate(phase = 2): phase two calibrated to the phase-one totals (R's default
# population), R's ?twophase example (gccs8) and a numeric and a raking calibration
cal_specs <- list(
  cal_cc = list(base = "case_control", columns = "relstageinst", calfun = "linear"),
  cal_age = list(base = "case_cohort", columns = "age", calfun = "linear"),
  cal_rake = list(base = "case_cohort", columns = "histol_f", calfun = "raking"))
# A domain of a calibrated design: R's subset() (so svyby) zeroes the Dcheck among the
# rows outside the domain, where the calibration residuals are not zero, so its phase-two
# term leaves out their pairs; its one-phase designs (svyrecvar) and the formula keep them.
# The domain means here are R's twophase2var on the whole design, of the domain's
# influence values extended by zeros (what svymean passes it, on the unsubsetted design).
by_full_of <- function(var, by, des) {
  data <- des$phase1$sample$variables
  pw <- 1 / des$prob
  x <- data[[var]]
  levels <- levels(factor(data[[by]]))
  stats <- lapply(levels, function(level) {
    inside <- as.numeric(data[[by]] == level)
    average <- sum(x * pw * inside) / sum(pw * inside)
    z <- (x - average) * pw * inside / sum(pw * inside)
    c(average, survey:::twophase2var(matrix(z), des))
  })
  list(kind = "mean", variable = var, by = by, levels = levels,
       estimate = sapply(stats, `[`, 1), vcov = diag(sapply(stats, `[`, 2)))
}
cal_stats <- list(
  total = function(d) stat_of(svytotal(~edrel + age, d), "total", c("edrel", "age")),
  mean = function(d) stat_of(svymean(~edrel + age, d), "mean", c("edrel", "age")),
  ratio = function(d) ratio_of("edrel", "age", d),
  by = function(d) by_full_of("edrel", "histol_f", d))
out$calibrated <- list()
for (name in names(cal_specs)) {
  s <- cal_specs[[name]]
  des <- calibrate(design_of(specs[[s$base]]), phase = 2, formula = formula_of(s$columns),
                   calfun = s$calfun, epsilon = 1e-12, maxit = 100)
  stats <- lapply(cal_stats, function(f) f(des))
  if (name == "cal_cc")
    stats$glm <- glm_of("rel ~ factor(stage) * factor(histol)", des)
  out$calibrated[[name]] <- c(s, list(weights = unname(1 / des$prob), stats = stats))
}

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = TRUE), file.path("tests", "reference", "twophase_refs.json"))
