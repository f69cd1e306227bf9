# R goldens for des.var / des.cov / des.corr (R's svyvar) and des.ttest (R's svyttest).
#
# Run from the repository root: Rscript tests/reference/make_refs_svyvar.R
# It writes tests/reference/svyvar_refs.json. The designs are golden.json's (golden_designs.R).
#
# svyvar: the estimate and R's attr(, "var") (the covariance of the p x p entries, column-major).
# Domains are R's subsets (what svyby does for each level). Correlations: survey 4.1.1 (and
# current survey) has no svycorr; the golden is the correlation of svyvar's matrix with
#   - linearised designs: the delta method on svyvar's covariance, gradient of
#     r = s_xy / sqrt(s_xx s_yy) in (s_xy, s_xx, s_yy): (1 / sqrt(s_xx s_yy), -r / (2 s_xx),
#     -r / (2 s_yy)), i.e. the linearisation of r through the covariances' influence values;
#   - replicate designs: r recomputed from each replicate's covariance matrix
#     (svyvar(return.replicates = TRUE)) and R's svrVar.
# svyttest: statistic, df, p-value, estimate and 95% interval as R's htest holds them.

source(file.path("tests", "reference", "golden_designs.R"))

matrix_list <- function(m) unname(split(m, col(m)))
subset_of <- function(des, subset)
  if (is.null(subset)) des else eval(parse(text = sprintf("subset(des, %s)", subset)))

var_cases <- list()
add_var <- function(id, design, vars, subset = NULL, na_rm = FALSE) {
  message(id)
  des <- subset_of(design_of(design), subset)
  f <- as.formula(paste("~", paste0("`", vars, "`", collapse = " + ")))
  p <- length(vars)
  v <- svyvar(f, des, na.rm = na_rm)
  est <- as.vector(as.matrix(v))
  V <- as.matrix(attr(v, "var"))
  pairs <- if (p > 1) t(combn(p, 2)) else matrix(nrow = 0, ncol = 2)
  cor <- NULL
  if (p > 1) {
    m <- matrix(est, p)
    pos <- function(i, j) (j - 1) * p + i
    r <- apply(pairs, 1, function(ij) m[ij[1], ij[2]] / sqrt(m[ij[1], ij[1]] * m[ij[2], ij[2]]))
    if (inherits(des, "svyrep.design")) {
      reps <- svyvar(f, des, na.rm = na_rm, return.replicates = TRUE)$replicates
      rr <- t(apply(reps, 1, function(x) {
        mm <- matrix(x, p)
        apply(pairs, 1, function(ij) mm[ij[1], ij[2]] / sqrt(mm[ij[1], ij[1]] * mm[ij[2], ij[2]]))
      }))
      if (nrow(pairs) == 1) rr <- t(rr)
      CV <- as.matrix(svrVar(rr, des$scale, des$rscales, mse = des$mse, coef = r))
    } else {
      G <- matrix(0, nrow(pairs), p * p)
      for (k in seq_len(nrow(pairs))) {
        i <- pairs[k, 1]; j <- pairs[k, 2]
        G[k, pos(i, j)] <- 1 / sqrt(m[i, i] * m[j, j])
        G[k, pos(i, i)] <- -r[k] / (2 * m[i, i])
        G[k, pos(j, j)] <- -r[k] / (2 * m[j, j])
      }
      CV <- G %*% V %*% t(G)
    }
    cor <- list(estimate = r, vcov = matrix_list(CV))
  }
  var_cases[[length(var_cases) + 1]] <<- list(
    id = id, design = design, vars = vars, subset = subset, na_rm = na_rm,
    estimate = est, vcov = matrix_list(V), corr = cor)
}

add_var("strat/api00", "strat", "api00")
add_var("strat/3", "strat", c("api00", "api99", "enroll"))
add_var("clus1/2", "clus1", c("api00", "enroll"))
add_var("clus2/2", "clus2", c("api00", "api99"))
add_var("clus2/na_rm", "clus2", c("api00", "enroll"), na_rm = TRUE)
add_var("clus2/na_rm1", "clus2", "enroll", na_rm = TRUE)
add_var("strat/na_rm", "strat", c("api00", "acs.k3"), na_rm = TRUE)
for (lev in c("E", "H", "M"))
  add_var(paste0("clus1/E/", lev), "clus1", c("api00", "api99"),
          subset = sprintf('stype == "%s"', lev))
for (lev in c("No", "Yes"))
  add_var(paste0("clus2/by/", lev), "clus2", c("api00", "api99", "meals"),
          subset = sprintf("`sch.wide` == \"%s\"", lev))
add_var("raked/2", "raked", c("api00", "api99"))
add_var("asrep_jk1/2", "asrep_jk1", c("api00", "api99"))
add_var("asrep_jkn_strat/1", "asrep_jkn_strat", "api00")
add_var("rep_jkn/3", "rep_jkn", c("api00", "api99", "enroll"))
add_var("rep_jk1_mse/2", "rep_jk1_mse", c("api00", "enroll"))
add_var("rep_brr/2", "rep_brr", c("api00", "api99"))
add_var("rep_jk1/subset", "rep_jk1", c("api00", "api99"), subset = 'stype == "E"')
add_var("rep_jk1/na_rm", "rep_jk1", c("api00", "acs.k3"), na_rm = TRUE)

# The covariance between the domains' variances. Replicate designs: svyby(svyvar,
# covmat = TRUE). Linearised designs: survey 4.1.1's svyby cannot (svyvar returns no
# influence functions), so the script forms svyvar's own products, (x - xbar_d)^2 n_d /
# (n_d - 1) with each domain's mean and count, and asks svyby(svymean, covmat = TRUE) for
# their domain means: svyvar.survey.design is exactly svymean of those products.
by_cases <- list()
add_by <- function(id, design, var, by) {
  message(id)
  des <- design_of(design)
  f <- as.formula(sprintf("~`%s`", var)); g <- as.formula(sprintf("~`%s`", by))
  if (inherits(des, "svyrep.design")) {
    r <- svyby(f, g, des, svyvar, covmat = TRUE)
  } else {
    x <- des$variables[[var]]; d <- des$variables[[by]]
    means <- coef(svyby(f, g, des, svymean))
    n <- tapply(weights(des, "sampling") != 0, d, sum)
    z <- (x - means[as.character(d)])^2 * (n / (n - 1))[as.character(d)]
    des <- update(des, .z = z)
    r <- svyby(~.z, g, des, svymean, covmat = TRUE)
    single <- sapply(levels(factor(d)), function(l)
      coef(svyvar(f, subset(des, get(by) == l))))
    stopifnot(isTRUE(all.equal(unname(coef(r)), unname(single), tolerance = 1e-12)))
  }
  by_cases[[length(by_cases) + 1]] <<- list(
    id = id, design = design, var = var, by = by, domains = as.character(r[[by]]),
    estimate = unname(coef(r)), vcov = matrix_list(unname(vcov(r))))
}
add_by("clus1/stype", "clus1", "api00", "stype")
add_by("clus2/sch.wide", "clus2", "api99", "sch.wide")
add_by("asrep_jk1/stype", "asrep_jk1", "api00", "stype")
add_by("rep_jkn/sch.wide", "rep_jkn", "api99", "sch.wide")

ttest_cases <- list()
add_ttest <- function(id, design, y, group = NULL, mu = 0, subset = NULL, na_rm = FALSE) {
  message(id)
  des <- subset_of(design_of(design), subset)
  lhs <- if (mu == 0) sprintf("`%s`", y) else sprintf("I(`%s` - %.17g)", y, mu)
  f <- as.formula(paste(lhs, "~", if (is.null(group)) "0" else sprintf("`%s`", group)))
  t <- if (is.null(group)) svyttest(f, des, na.rm = na_rm) else svyttest(f, des)
  shift <- if (is.null(group)) mu else 0
  ttest_cases[[length(ttest_cases) + 1]] <<- list(
    id = id, design = design, y = y, group = group, mu = mu, subset = subset, na_rm = na_rm,
    statistic = unname(t$statistic), df = unname(t$parameter), p_value = t$p.value,
    estimate = unname(t$estimate) + shift, ci = as.vector(t$conf.int) + shift)
}

add_ttest("strat/one", "strat", "api00")
add_ttest("strat/one/mu", "strat", "api00", mu = 650)
add_ttest("clus2/one/na_rm", "clus2", "enroll", mu = 500, na_rm = TRUE)
add_ttest("clus1/one/subset", "clus1", "api00", mu = 700, subset = 'stype == "E"')
add_ttest("strat/two", "strat", "api00", "sch.wide")
add_ttest("clus1/two", "clus1", "api00", "comp.imp")
add_ttest("clus2/two", "clus2", "api00", "awards")
add_ttest("clus1/two/subset", "clus1", "api00", "sch.wide", subset = 'stype == "E"')
add_ttest("clus2/two/na_rm", "clus2", "enroll", "sch.wide", na_rm = TRUE)
add_ttest("raked/two", "raked", "api00", "awards")
add_ttest("asrep_jk1/one", "asrep_jk1", "api00", mu = 600)
add_ttest("asrep_jk1/two", "asrep_jk1", "api00", "awards")
add_ttest("rep_jkn/two", "rep_jkn", "api00", "sch.wide")
add_ttest("rep_jk1/two/subset", "rep_jk1", "api00", "awards", subset = 'stype != "H"')

out <- list(meta = list(r = R.version.string,
                        survey = as.character(packageVersion("survey")),
                        note = "survey 4.1.1 as packaged by Debian; svyvar and svyttest are unchanged in current survey"),
            var = var_cases, by = by_cases, ttest = ttest_cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "svyvar_refs.json"))

# chisq(statistic = "lrt"): R's G^2 is the deviance between svyloglin(~a + b) and
# svyloglin(~a * b) (the loglinear fits to the table scaled to the number of rows: what
# anova.svyloglin reports as "Deviance"; its own p-values are not needed and its saddlepoint
# fails on some tables, so the deviances are read from the two fits); tr(Delta) is
# svychisq's, X^2 / F (svychisq's F is X^2 / tr(Delta)); the F takes svychisq's d0 and ddf
# (Stata's "Likelihood ratio" design-based F has the degrees of freedom of Pearson's).
lrt_cases <- list()
add_lrt <- function(id, design, rows, cols, subset = NULL) {
  message(id)
  des <- subset_of(design_of(design), subset)
  f2 <- as.formula(sprintf("~`%s` + `%s`", rows, cols))
  main <- svyloglin(f2, des)
  full <- update(main, ~ .^2)
  g2 <- deviance(main$model) - deviance(full$model)
  pearson <- svychisq(f2, des)
  x2 <- unname(svychisq(f2, des, statistic = "Chisq")$statistic)
  trace <- x2 / unname(pearson$statistic)
  f <- g2 / trace
  ndf <- unname(pearson$parameter[1]); ddf <- unname(pearson$parameter[2])
  lrt_cases[[length(lrt_cases) + 1]] <<- list(
    id = id, design = design, rows = rows, cols = cols, subset = subset,
    g2 = g2, pearson = x2, trace = trace, statistic = f, ndf = ndf, ddf = ddf,
    p_value = pf(f, ndf, ddf, lower.tail = FALSE))
}
add_lrt("clus1", "clus1", "stype", "comp.imp")
add_lrt("strat", "strat", "stype", "sch.wide")
add_lrt("clus2", "clus2", "sch.wide", "awards")
add_lrt("clus2/3x2", "clus2", "stype", "awards")
add_lrt("strat/subset", "strat", "awards", "sch.wide", subset = 'stype != "H"')
add_lrt("raked", "raked", "stype", "awards")
add_lrt("asrep_jk1", "asrep_jk1", "stype", "awards")
add_lrt("rep_jkn", "rep_jkn", "stype", "sch.wide")
out$lrt <- lrt_cases
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "svyvar_refs.json"))
