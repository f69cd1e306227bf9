# Reference numbers for micropop's inequality golden tests (laeken + survey).
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_inequality.R
#
# It writes
#   tests/reference/fixtures/eusilc.csv        laeken's eusilc (the columns used)
#   tests/reference/golden_inequality.json     every result, doubles as "%.17g"
#
# Three kinds of reference:
#   "laeken"      point estimates of laeken's own functions (gini, arpr, arpt,
#                 qsr, rmpg), overall and with breakdown = "db040", in laeken's
#                 scale (percent for gini, arpr, rmpg).
#   "linearized"  Taylor-linearised SEs: the influence functions of Osier (2009)
#                 as R convey writes them (svygini, svyarpt, svyarpr, svyqsr,
#                 svylorenz, svyrmpg; Gaussian kernel, convey's h_fun
#                 bandwidth), adapted to laeken's estimators, written out below
#                 in R and turned into variances by survey::svyrecvar. convey
#                 itself is not installable here (not on Debian, CRAN
#                 unreachable).
#   "jk1"         replicate SEs of laeken's statistics computed by
#                 survey::withReplicates on as.svrepdesign(type = "JK1"),
#                 survey's default variance (centred at the replicate mean).
#   "bootstrap"   the same with as.svrepdesign(type = "bootstrap"), 2000
#                 replicates, set.seed(20261128): the delete-one jackknife is
#                 inconsistent for quantile-based measures (arpt, arpr, qsr,
#                 rmpg), so their linearised SEs are checked against this.
#
# No randomness, no time stamps: re-running reproduces both files.

suppressPackageStartupMessages({
  library(survey)
  library(laeken)
})

out_dir <- file.path("tests", "reference")
fixture_dir <- file.path(out_dir, "fixtures")
dir.create(fixture_dir, showWarnings = FALSE, recursive = TRUE)

# --- data: export, then read back so R computes on the CSV's doubles ---------
data(eusilc, package = "laeken")
path <- file.path(fixture_dir, "eusilc.csv")
write.csv(eusilc[, c("db030", "db040", "rb090", "rb050", "eqIncome")], path,
          row.names = FALSE)
eusilc <- read.csv(path, stringsAsFactors = TRUE)
x <- eusilc$eqIncome
w <- eusilc$rb050
regions <- levels(eusilc$db040)
everyone <- rep(TRUE, nrow(eusilc))

# --- JSON writing (full precision) -------------------------------------------
jnum <- function(v) sprintf("%.17g", as.numeric(v))
jstr <- function(s) paste0("\"", s, "\"")
jobj <- function(fields) paste0("{", paste(jstr(names(fields)), unlist(fields),
                                           sep = ": ", collapse = ", "), "}")
jlist <- function(values, names) jobj(setNames(as.list(jnum(values)), names))

# --- laeken's point estimates ------------------------------------------------
laeken_case <- function(ind) {
  fields <- list(overall = jnum(ind$value))
  if (!is.null(ind$valueByStratum)) {
    fields$by_db040 <- jlist(ind$valueByStratum$value,
                             as.character(ind$valueByStratum$stratum))
  }
  jobj(fields)
}
laeken_json <- jobj(list(
  gini = laeken_case(gini("eqIncome", "rb050", breakdown = "db040", data = eusilc)),
  arpr = laeken_case(arpr("eqIncome", "rb050", breakdown = "db040", data = eusilc)),
  qsr = laeken_case(qsr("eqIncome", "rb050", breakdown = "db040", data = eusilc)),
  rmpg = laeken_case(rmpg("eqIncome", "rb050", breakdown = "db040", data = eusilc)),
  arpt = jobj(list(overall = jnum(arpt("eqIncome", "rb050", data = eusilc))))
))

# --- estimators and influence functions -----------------------------------------
# Each returns list(value, z): z has one value per row (0 outside the domain
# `dom`); the linearised variance is svyrecvar(w * z).  Quantiles follow
# laeken's weightedQuantile; kernel densities use convey's bandwidth.

wq <- function(x, w, p) weightedQuantile(x, w, probs = p)
bandwidth <- function(x, w) {                       # convey's h_fun
  N <- sum(w)
  sqrt((sum(w * x * x) - sum(w * x)^2 / N) / N) / exp(0.2 * log(N))
}
density_at <- function(x, w, at, h) sum(w * dnorm((at - x) / h)) / (sum(w) * h)
income_density_at <- function(x, w, at, h) sum(w * x * dnorm((at - x) / h)) / h

lin_gini <- function(dom) {
  i <- which(dom); o <- i[order(x[i])]; xs <- x[o]; ws <- w[o]
  N <- sum(ws); Y <- sum(ws * xs); C <- cumsum(ws); S <- cumsum(ws * xs)
  g <- (2 * sum(ws * xs * C) - sum(ws^2 * xs)) / (N * Y) - 1   # laeken's giniCoeff
  z <- numeric(length(x))
  z[o] <- 2 * (xs * C + Y - S) / (N * Y) - (g + 1) * (1 / N + xs / Y)
  list(value = g, z = z)
}

lin_arpt <- function(dom, percent = 0.6, order = 0.5) {
  xi <- x[dom]; wi <- w[dom]; N <- sum(wi)
  m <- wq(xi, wi, order)
  f <- density_at(xi, wi, m, bandwidth(xi, wi))
  z <- numeric(length(x))
  z[dom] <- -percent / (N * f) * ((xi <= m) - order)
  list(value = percent * m, z = z)
}

lin_arpr <- function(dom) {                          # threshold of everyone
  t <- lin_arpt(everyone)
  xi <- x[dom]; wi <- w[dom]; N <- sum(wi)
  r <- sum(wi * (xi < t$value)) / N
  f <- density_at(xi, wi, t$value, bandwidth(xi, wi))
  z <- f * t$z
  z[dom] <- z[dom] + ((xi < t$value) - r) / N
  list(value = r, z = z)
}

lin_below <- function(xi, wi, alpha) {               # total at or below a quantile
  q <- wq(xi, wi, alpha); h <- bandwidth(xi, wi)
  f <- density_at(xi, wi, q, h); s <- income_density_at(xi, wi, q, h)
  list(value = sum(wi * xi * (xi <= q)),
       z = xi * (xi <= q) - s * ((xi <= q) - alpha) / (sum(wi) * f))
}

lin_qsr <- function(dom) {
  xi <- x[dom]; wi <- w[dom]
  low <- lin_below(xi, wi, 0.2); high <- lin_below(xi, wi, 0.8)
  top <- sum(wi * xi) - high$value
  v <- top / low$value
  z <- numeric(length(x))
  z[dom] <- ((xi - high$z) - v * low$z) / low$value
  list(value = v, z = z)
}

lin_rmpg <- function(dom) {                          # threshold of everyone
  t <- lin_arpt(everyone)
  xi <- x[dom]; wi <- w[dom]; N <- sum(wi)
  poor <- xi < t$value
  mp <- wq(xi[poor], wi[poor], 0.5)
  h <- bandwidth(xi, wi)
  f_t <- density_at(xi, wi, t$value, h); f_m <- density_at(xi, wi, mp, h)
  zm <- 0.5 * f_t * t$z / f_m
  zm[dom] <- zm[dom] + (0.5 * poor - (xi <= mp)) / (N * f_m)
  list(value = (t$value - mp) / t$value, z = -zm / t$value + mp / t$value^2 * t$z)
}

lin_lorenz <- function(dom, p) {                     # convey's svylorenz
  i <- which(dom); o <- i[order(x[i])]; xs <- x[o]; ws <- w[o]
  N <- sum(ws); Y <- sum(ws * xs); W <- cumsum(ws); W0 <- c(0, W[-length(W)])
  k <- which(W0 < p * N & p * N <= W)
  taken <- p * N - W0[k]
  L <- (sum((ws * xs)[seq_len(k - 1)]) + taken * xs[k]) / Y
  before <- if (k > 1) xs[k - 1] else 0
  q <- before + (xs[k] - before) * taken / ws[k]
  z <- numeric(length(x))
  z[o] <- ((xs - q) * (xs <= q) + p * q - xs * L) / Y
  list(value = L, z = z)
}

lin_top <- function(dom, share = 0.1) {
  l <- lin_lorenz(dom, 1 - share)
  list(value = 1 - l$value, z = -l$z)
}

lin_rate <- function(dom, line = 10000) {
  xi <- x[dom]; wi <- w[dom]; N <- sum(wi)
  r <- sum(wi * (xi < line)) / N
  z <- numeric(length(x)); z[dom] <- ((xi < line) - r) / N
  list(value = r, z = z)
}

# sanity: the R estimators above are laeken's
stopifnot(all.equal(lin_gini(everyone)$value * 100,
                    gini("eqIncome", "rb050", data = eusilc)$value, tolerance = 1e-12),
          all.equal(lin_arpr(everyone)$value * 100,
                    arpr("eqIncome", "rb050", data = eusilc)$value, tolerance = 1e-12),
          all.equal(lin_qsr(everyone)$value,
                    qsr("eqIncome", "rb050", data = eusilc)$value, tolerance = 1e-12),
          all.equal(lin_rmpg(everyone)$value * 100,
                    rmpg("eqIncome", "rb050", data = eusilc)$value, tolerance = 1e-12))

# --- linearised SEs on two designs -------------------------------------------------
designs <- list(
  cluster = list(psu = "db030", strata = NULL),
  strat_cluster = list(psu = "db030", strata = "db040")
)
build <- function(s) {
  svydesign(ids = as.formula(paste0("~", s$psu)),
            strata = if (is.null(s$strata)) NULL else as.formula(paste0("~", s$strata)),
            weights = ~rb050, data = eusilc)
}

measures <- list(
  gini = lin_gini, arpt = lin_arpt, arpr = lin_arpr, qsr = lin_qsr, rmpg = lin_rmpg,
  top_share = lin_top, poverty_rate = lin_rate,
  lorenz_0.1 = function(d) lin_lorenz(d, 0.1), lorenz_0.5 = function(d) lin_lorenz(d, 0.5),
  lorenz_0.9 = function(d) lin_lorenz(d, 0.9)
)

est_se <- function(des, res) {
  v <- svyrecvar(w * res$z, des$cluster, des$strata, des$fpc)
  jobj(list(estimate = jnum(res$value), se = jnum(sqrt(v[1, 1]))))
}

linearized_json <- jobj(lapply(designs, function(s) {
  des <- build(s)
  jobj(lapply(measures, function(fun) {
    by <- lapply(regions, function(r) est_se(des, fun(eusilc$db040 == r)))
    names(by) <- regions
    jobj(list(overall = est_se(des, fun(everyone)), by_db040 = jobj(by)))
  }))
}))

# --- JK1 replicate SEs through survey::withReplicates -----------------------------
rep_des <- as.svrepdesign(build(designs$cluster), type = "JK1")
lin_lorenz_w <- function(inc, wr, p) {               # Lorenz ordinate, any weights
  o <- order(inc); xs <- inc[o]; ws <- wr[o]
  N <- sum(ws); W <- cumsum(ws); W0 <- c(0, W[-length(W)])
  k <- which(W0 < p * N & p * N <= W)
  (sum((ws * xs)[seq_len(k - 1)]) + (p * N - W0[k]) * xs[k]) / sum(ws * xs)
}
replicate_stats <- function(wr, d) {
  inc <- d$eqIncome
  t <- arpt(inc, wr)
  c(gini = gini(inc, wr)$value / 100,
    arpt = t,
    arpr = arpr(inc, wr)$value / 100,
    qsr = qsr(inc, wr)$value,
    rmpg = rmpg(inc, wr)$value / 100,
    top_share = 1 - lin_lorenz_w(inc, wr, 0.9))
}
jk <- withReplicates(rep_des, replicate_stats)
stat_names <- c("gini", "arpt", "arpr", "qsr", "rmpg", "top_share")
jk_se <- setNames(sqrt(diag(as.matrix(attr(jk, "var")))), stat_names)
jk_json <- jobj(list(
  design = jstr("cluster"), type = jstr("JK1"),
  scale = jnum(rep_des$scale), mse = tolower(as.character(rep_des$mse)),
  estimate = jlist(as.numeric(jk), stat_names),
  se = jlist(jk_se, names(jk_se))
))

# --- bootstrap replicate SEs (a consistent replicate reference for quantile-based
# measures, for which the delete-one jackknife is not) ------------------------------
set.seed(20261128)
boot_des <- as.svrepdesign(build(designs$cluster), type = "bootstrap", replicates = 2000)
boot <- withReplicates(boot_des, replicate_stats)
boot_se <- setNames(sqrt(diag(as.matrix(attr(boot, "var")))), stat_names)
boot_json <- jobj(list(
  design = jstr("cluster"), type = jstr("bootstrap"), replicates = jnum(2000),
  seed = jnum(20261128), se = jlist(boot_se, names(boot_se))
))

# --- write ---------------------------------------------------------------------------
design_json <- jobj(lapply(designs, function(s) jobj(list(
  psu = jstr(s$psu), strata = if (is.null(s$strata)) "null" else jstr(s$strata),
  weights = jstr("rb050")))))
meta <- jobj(list(
  r_version = jstr(paste(R.version$major, R.version$minor, sep = ".")),
  laeken_version = jstr(as.character(packageVersion("laeken"))),
  survey_version = jstr(as.character(packageVersion("survey"))),
  script = jstr("tests/reference/make_refs_inequality.R"),
  note = jstr(paste("laeken values in laeken's scale (percent for gini, arpr, rmpg);",
                    "linearized and jk1 values as fractions; data eusilc.csv"))
))
json <- paste0("{\n\"meta\": ", meta,
               ",\n\"designs\": ", design_json,
               ",\n\"laeken\": ", laeken_json,
               ",\n\"linearized\": ", linearized_json,
               ",\n\"jk1\": ", jk_json,
               ",\n\"bootstrap\": ", boot_json, "\n}\n")
writeLines(json, file.path(out_dir, "golden_inequality.json"), sep = "")
cat(sprintf("wrote golden_inequality.json (R %s, laeken %s, survey %s)\n",
            paste(R.version$major, R.version$minor, sep = "."),
            packageVersion("laeken"), packageVersion("survey")))
