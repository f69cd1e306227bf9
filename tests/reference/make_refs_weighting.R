# Reference numbers for micropop's weighting golden tests (tests/golden/test_weighting_golden.py),
# computed with R's `survey` (postStratify, rake, calibrate, trimWeights).
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_weighting.R
#
# It reads the api fixture tests/reference/fixtures/apiclus1.csv (written by
# make_refs.R) and writes tests/reference/golden_weighting.json: for every case,
# the weighting call (as micropop spells it), the final weights, and totals,
# means and domain means with their standard errors, doubles as "%.17g".
# Each case is run on the one-stage cluster sample dclus1 (linearisation) and on
# as.svrepdesign(dclus1) (JK1 replicates); three also on dclus1 with weights that
# differ within clusters ("clus1_varying"). No time stamps; re-running reproduces
# the file byte for byte. The test suite never calls R.

suppressPackageStartupMessages(library(survey))

out_dir <- file.path("tests", "reference")
apiclus1 <- read.csv(file.path(out_dir, "fixtures", "apiclus1.csv"), check.names = FALSE,
                     stringsAsFactors = TRUE, na.strings = "")
data(api)  # apipop: the population counts the sample is weighted to

dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
# Weights that differ within a cluster and a raking cell (R's raking variance reads
# each row's weight): the same sample, the weights scaled by 1.0-1.4 from the school
# number (tests/support/weighting_golden.py computes the same column).
apiclus1$pw_varying <- apiclus1$pw * (1 + (apiclus1$snum %% 5) / 10)
dvary <- svydesign(id = ~dnum, weights = ~pw_varying, fpc = ~fpc, data = apiclus1)

# --- population margins (from apipop) ---------------------------------------
pop_stype <- as.data.frame(table(stype = apipop$stype))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
pop_cross <- as.data.frame(table(stype = apipop$stype, sch.wide = apipop$sch.wide))
api99_total <- sum(apipop$api99)
totals <- c(`(Intercept)` = sum(pop_stype$Freq), stypeH = pop_stype$Freq[2],
            stypeM = pop_stype$Freq[3], api99 = api99_total)
eps_rake <- 1e-10   # R's rake: < 1 means a fraction of the total weight
eps_cal <- 1e-12    # grake's relative misfit

named <- function(frame) setNames(as.list(frame$Freq), as.character(frame[[1]]))
cross_spec <- lapply(seq_len(nrow(pop_cross)), function(i)
  list(as.character(pop_cross$stype[i]), as.character(pop_cross$sch.wide[i]), pop_cross$Freq[i]))

# Each case: how micropop calls it (method + arguments) and how R does it.
cal_pop <- list(stype = named(pop_stype), api99 = api99_total)
# Bounds binding on the full sample are infeasible for some JK1 replicates (R
# then keeps their unconverged g-weights with a warning; micropop raises), so
# the replicate runs of the bounded cases use bounds (0.3, 2.5), which bind on
# replicates 8, 9 and 15 only.
bounded <- function(calfun, bounds, jk1_bounds = c(0.3, 2.5)) {
  make <- function(b) list(
    call = list(method = "calibrate", population = cal_pop, calfun = calfun, bounds = b,
                epsilon = eps_cal),
    r = function(d) calibrate(d, ~stype + api99, totals, calfun = calfun, bounds = b,
                              epsilon = eps_cal))
  c(make(bounds), list(jk1 = make(jk1_bounds)))
}
cases <- list(
  poststratify = list(
    call = list(method = "poststratify", strata = "stype", population = named(pop_stype)),
    r = function(d) postStratify(d, ~stype, pop_stype)),
  poststratify_cross = list(
    call = list(method = "poststratify", strata = c("stype", "sch.wide"), population = cross_spec),
    r = function(d) postStratify(d, ~stype + sch.wide, pop_cross)),
  rake = list(
    call = list(method = "rake", margins = list(stype = named(pop_stype),
                                                 sch.wide = named(pop_schwide)),
                max_iter = 1000, epsilon = eps_rake),
    r = function(d) rake(d, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
                         control = list(maxit = 1000, epsilon = eps_rake))),
  calibrate_linear = list(
    call = list(method = "calibrate", population = cal_pop, calfun = "linear"),
    r = function(d) calibrate(d, ~stype + api99, totals)),
  calibrate_linear_bounded = bounded("linear", c(0.6, 1.6)),
  calibrate_raking = list(
    call = list(method = "calibrate", population = cal_pop, calfun = "raking",
                epsilon = eps_cal),
    r = function(d) calibrate(d, ~stype + api99, totals, calfun = "raking",
                              epsilon = eps_cal)),
  calibrate_logit = bounded("logit", c(0.4, 1.9)),
  calibrate_margins = list(
    call = list(method = "calibrate", population = list(stype = named(pop_stype),
                                                         sch.wide = named(pop_schwide)),
                calfun = "linear"),
    r = function(d) calibrate(d, ~stype + sch.wide,
                              c(totals[1:3], sch.wideYes = pop_schwide$Freq[2])))
)
# trimWeights on the linear calibration (dclus1's own weights are all equal).
# R's trimWeights for replicate designs does not trim the sampling weights
# (survey 4.1.1), so the trimming cases are linearisation-only.
trim_cases <- list(
  trim = list(lower = 20, upper = 45, strict = FALSE),
  trim_strict = list(lower = 20, upper = 45, strict = TRUE)
)

# --- JSON writing ----------------------------------------------------------
jnum <- function(x) { x <- as.numeric(x); out <- sprintf("%.17g", x); out[is.na(x)] <- "null"; out }
jstr <- function(x) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
jarr <- function(items) paste0("[", paste(items, collapse = ", "), "]")
jval <- function(x) {
  if (is.null(x)) "null"
  else if (is.list(x) && !is.null(names(x))) jobj(x)
  else if (is.list(x)) jarr(vapply(x, jval, ""))
  else if (is.logical(x)) tolower(as.character(x))
  else if (is.numeric(x) && length(x) == 1) jnum(x)
  else if (is.numeric(x)) jarr(jnum(x))
  else if (length(x) == 1) jstr(x)
  else jarr(jstr(x))
}
jobj <- function(fields) paste0("{", paste(jstr(names(fields)), vapply(fields, jval, ""),
                                            sep = ": ", collapse = ", "), "}")

stat <- function(s) list(estimate = unname(coef(s)), se = unname(SE(s)))
results <- function(d) {
  list(weights = unname(weights(d, "sampling")),
       total_enroll = stat(svytotal(~enroll, d)),
       mean_api00 = stat(svymean(~api00, d)),
       mean_comp_imp = stat(svymean(~comp.imp, d)),
       mean_api00_by_awards = stat(svyby(~api00, ~awards, d, svymean)),
       total_api00_by_stype = stat(svyby(~api00, ~stype, d, svytotal)),
       mean_api00_awards_yes = stat(svymean(~api00, subset(d, awards == "Yes"))))
}

out <- list()
for (name in names(cases)) {
  case <- cases[[name]]
  out[[name]] <- list(call = case$call, design = "clus1", results = results(case$r(dclus1)))
  rep_case <- if (is.null(case$jk1)) case else case$jk1
  out[[paste0(name, "_jk1")]] <- list(call = rep_case$call, design = "clus1_jk1",
                                      results = results(rep_case$r(rclus1)))
}
for (name in c("poststratify", "rake", "calibrate_raking")) {
  out[[paste0(name, "_varying")]] <- list(call = cases[[name]]$call, design = "clus1_varying",
                                          results = results(cases[[name]]$r(dvary)))
}
linear <- cases$calibrate_linear$r(dclus1)
for (name in names(trim_cases)) {
  t <- trim_cases[[name]]
  trimmed <- trimWeights(linear, lower = t$lower, upper = t$upper, strict = t$strict)
  out[[name]] <- list(call = c(list(method = "trim", after = "calibrate_linear"), t),
                      design = "clus1", results = results(trimmed))
}

meta <- list(R = paste(R.version$major, R.version$minor, sep = "."),
             survey = as.character(packageVersion("survey")),
             script = "tests/reference/make_refs_weighting.R")
json <- paste0("{\n\"meta\": ", jobj(meta), ",\n\"cases\": {\n",
               paste(jstr(names(out)), vapply(out, jobj, ""), sep = ": ", collapse = ",\n"),
               "\n}\n}\n")
writeLines(json, file.path(out_dir, "golden_weighting.json"), sep = "")
cat(sprintf("wrote %d weighting cases (R %s, survey %s)\n", length(out), meta$R, meta$survey))
