# Reference numbers for micropop's median income of the poor (convey's svypoormed)
# and for rmpg with convey's definitions (rule = "convey").
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_poormed.R
#
# It writes tests/reference/golden_poormed.json (doubles as "%.17g").
#
# R convey is not installable here (not on Debian, CRAN unreachable), so:
#   "laeken"      the median income of the poor from laeken itself:
#                 arpt * (1 - rmpg / 100) (laeken's rmpg is (t - m) / t), overall
#                 and with breakdown = "db040" (threshold of the whole sample).
#   "linearized"  Taylor-linearised SEs: convey's svypoormed influence function
#                 (Osier 2009: the median of the poor m solves F(m) = F(t) / 2;
#                 Gaussian kernel, convey's h_fun bandwidth) written out below in R
#                 and turned into variances by survey::svyrecvar, for laeken's
#                 definitions (poor: x < t; quantile: first cumulative share > p)
#                 and convey's (poor: x <= t; quantile: first share >= p, convey's
#                 computeQuantiles, also written out).
#   "jk1"         replicate SEs of laeken's median of the poor computed by
#                 survey::withReplicates on as.svrepdesign(type = "JK1").
#   "toy"         a small sample whose cumulative shares hit 1/2 exactly and with
#                 an income equal to the threshold: the two rules differ there.
#
# No randomness, no time stamps: re-running reproduces the file.

suppressPackageStartupMessages({
  library(survey)
  library(laeken)
})

out_dir <- file.path("tests", "reference")
eusilc <- read.csv(file.path(out_dir, "fixtures", "eusilc.csv"), stringsAsFactors = TRUE)
regions <- levels(eusilc$db040)

jnum <- function(v) sprintf("%.17g", as.numeric(v))
jstr <- function(s) paste0("\"", s, "\"")
jobj <- function(fields) paste0("{", paste(jstr(names(fields)), unlist(fields),
                                           sep = ": ", collapse = ", "), "}")
jlist <- function(values, names) jobj(setNames(as.list(jnum(values)), names))

# --- quantile rules ------------------------------------------------------------------
laeken_q <- function(x, w, p) weightedQuantile(x, w, probs = p)
convey_q <- function(x, w, p) {              # convey's computeQuantiles, written out
  o <- order(x); share <- cumsum(w[o]) / sum(w)
  x[o][which(share >= p)[1]]
}
bandwidth <- function(x, w) {                # convey's h_fun
  N <- sum(w)
  sqrt((sum(w * x * x) - sum(w * x)^2 / N) / N) / exp(0.2 * log(N))
}
density_at <- function(x, w, at, h) sum(w * dnorm((at - x) / h)) / (sum(w) * h)

# --- the median of the poor and its influence (0 outside the domain) ----------------
lin_poormed <- function(x, w, dom, rule, percent = 0.6, order = 0.5) {
  q <- if (rule == "convey") convey_q else laeken_q
  below <- if (rule == "convey") function(a, b) a <= b else function(a, b) a < b
  Nall <- sum(w); med <- q(x, w, order); t <- percent * med
  f_all <- density_at(x, w, med, bandwidth(x, w))
  z_t <- -percent / (Nall * f_all) * ((x <= med) - order)     # convey's svyarpt
  xi <- x[dom]; wi <- w[dom]; N <- sum(wi)
  poor <- below(xi, t)
  m <- q(xi[poor], wi[poor], 0.5)
  h <- bandwidth(xi, wi)
  f_t <- density_at(xi, wi, t, h); f_m <- density_at(xi, wi, m, h)
  z <- 0.5 * f_t * z_t / f_m
  z[dom] <- z[dom] + (0.5 * poor - (xi <= m)) / (N * f_m)
  list(value = m, t = t, z = z)
}
lin_rmpg <- function(x, w, dom, rule) {
  p <- lin_poormed(x, w, dom, rule)
  t <- p$t; med <- p$value
  Nall <- sum(w); q <- if (rule == "convey") convey_q else laeken_q
  m_all <- q(x, w, 0.5)
  z_t <- -0.6 / (Nall * density_at(x, w, m_all, bandwidth(x, w))) * ((x <= m_all) - 0.5)
  list(value = (t - med) / t, z = -p$z / t + med / t^2 * z_t)
}

x <- eusilc$eqIncome; w <- eusilc$rb050
everyone <- rep(TRUE, nrow(eusilc))

# sanity: the laeken-rule median of the poor is laeken's
lk <- rmpg("eqIncome", "rb050", breakdown = "db040", data = eusilc)
t_all <- arpt("eqIncome", "rb050", data = eusilc)
stopifnot(all.equal(lin_poormed(x, w, everyone, "laeken")$value,
                    t_all * (1 - lk$value / 100), tolerance = 1e-12))

laeken_json <- jobj(list(
  overall = jnum(t_all * (1 - lk$value / 100)),
  by_db040 = jlist(t_all * (1 - lk$valueByStratum$value / 100),
                   as.character(lk$valueByStratum$stratum))))

designs <- list(cluster = list(psu = "db030", strata = NULL),
                strat_cluster = list(psu = "db030", strata = "db040"))
build <- function(s, data) {
  svydesign(ids = as.formula(paste0("~", s$psu)),
            strata = if (is.null(s$strata)) NULL else as.formula(paste0("~", s$strata)),
            weights = ~rb050, data = data)
}
est_se <- function(des, res, wt) {
  v <- svyrecvar(wt * res$z, des$cluster, des$strata, des$fpc)
  jobj(list(estimate = jnum(res$value), se = jnum(sqrt(v[1, 1]))))
}
measures <- list(
  poormed_laeken = function(d) lin_poormed(x, w, d, "laeken"),
  poormed_convey = function(d) lin_poormed(x, w, d, "convey"),
  rmpg_convey = function(d) lin_rmpg(x, w, d, "convey"))
linearized_json <- jobj(lapply(designs, function(s) {
  des <- build(s, eusilc)
  jobj(lapply(measures, function(fun) {
    by <- lapply(regions, function(r) est_se(des, fun(eusilc$db040 == r), w))
    names(by) <- regions
    jobj(list(overall = est_se(des, fun(everyone), w), by_db040 = jobj(by)))
  }))
}))

rep_des <- as.svrepdesign(build(designs$cluster, eusilc), type = "JK1")
jk <- withReplicates(rep_des, function(wr, d) {
  arpt(d$eqIncome, wr) * (1 - rmpg(d$eqIncome, wr)$value / 100)
})
jk_json <- jobj(list(estimate = jnum(as.numeric(jk)),
                     se = jnum(sqrt(as.numeric(attr(jk, "var"))))))

# --- a toy sample where the rules differ ------------------------------------------------
toy <- data.frame(income = c(100, 200, 300, 400, 500, 600, 700, 800, 900, 1000,
                             250, 350),
                  w = c(1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1),
                  psu = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6))
toy_des <- svydesign(ids = ~psu, weights = ~w, data = toy)
toy_all <- rep(TRUE, nrow(toy))
toy_case <- function(rule) {
  res <- lin_poormed(toy$income, toy$w, toy_all, rule)
  gap <- lin_rmpg(toy$income, toy$w, toy_all, rule)
  jobj(list(poormed = est_se(toy_des, res, toy$w), rmpg = est_se(toy_des, gap, toy$w),
            threshold = jnum(res$t)))
}
toy_json <- jobj(list(
  income = paste0("[", paste(jnum(toy$income), collapse = ", "), "]"),
  w = paste0("[", paste(jnum(toy$w), collapse = ", "), "]"),
  psu = paste0("[", paste(jnum(toy$psu), collapse = ", "), "]"),
  laeken = toy_case("laeken"), convey = toy_case("convey")))

meta <- jobj(list(
  r_version = jstr(paste(R.version$major, R.version$minor, sep = ".")),
  laeken_version = jstr(as.character(packageVersion("laeken"))),
  survey_version = jstr(as.character(packageVersion("survey"))),
  script = jstr("tests/reference/make_refs_poormed.R")))
json <- paste0("{\n\"meta\": ", meta,
               ",\n\"laeken\": ", laeken_json,
               ",\n\"linearized\": ", linearized_json,
               ",\n\"jk1\": ", jk_json,
               ",\n\"toy\": ", toy_json, "\n}\n")
writeLines(json, file.path(out_dir, "golden_poormed.json"), sep = "")
cat("wrote golden_poormed.json\n")
