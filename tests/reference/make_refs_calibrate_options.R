# Reference numbers for calibrate's options and rake's non-convergence
# (tests/weighting/test_calibrate_options_golden.py), computed with R's `survey`:
# calibrate(variance=, aggregate.stage=, bounds=list(lower=, upper=), bounds.const=TRUE)
# and rake(control = list(maxit = 2)) stopping before convergence (R warns and returns).
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_calibrate_options.R
#
# Designs as golden.json's (golden_designs.R): strat (apistrat, fpc), clus1 (apiclus1,
# one stage of districts, fpc), clus2 (apiclus2, districts then schools, fpc1 and fpc2),
# and replicate designs made from them. Writes tests/reference/golden_calibrate_options.json:
# for every case the micropop call, the final weights, and estimates with their SEs,
# numbers at full precision (jsonlite, digits = NA). No time stamps; re-running reproduces the file byte for byte.

source(file.path("tests", "reference", "golden_designs.R"))

dstrat <- build("strat")
dclus1 <- build("clus1")
dclus2 <- build("clus2")
rstrat <- as.svrepdesign(dstrat, type = "JKn")
rclus1 <- as.svrepdesign(dclus1, type = "JK1")

pop_stype <- as.data.frame(table(stype = apipop$stype))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
named <- function(frame) setNames(as.list(frame$Freq), as.character(frame[[1]]))
api99_total <- sum(apipop$api99)
totals <- c(`(Intercept)` = sum(pop_stype$Freq), stypeH = pop_stype$Freq[2],
            stypeM = pop_stype$Freq[3], api99 = api99_total)
cal_pop <- list(stype = named(pop_stype), api99 = api99_total)
eps <- 1e-12

# Per-unit bounds on the g-weights (R: bounds = list(lower = , upper = )), one per row of
# apistrat: wider for middle and high schools.
unit_lower <- ifelse(apistrat$stype == "E", 0.97, 0.9)
unit_upper <- ifelse(apistrat$stype == "E", 1.02, 1.1)

# Totals per district of apiclus2 (R's stage = 1: a list in the order the districts first
# appear in the data): the schools' api99 in each sampled district.
districts <- unique(dclus2$cluster[, 1])
pop_district <- lapply(districts, function(i) c(api99 = sum(apipop$api99[apipop$dnum == i])))

# calibrate(aggregate.stage = 1) to ~stype + api99 with options (R's names; variance names
# the column, read from the design's data for R).
aggregated <- function(design, d, ...) {
  options <- list(...)
  call <- c(list(population = cal_pop, aggregate = 1), options)
  names(call)[names(call) == "calfun"] <- "method"
  r_options <- options
  if (!is.null(options$variance)) r_options$variance <- d$variables[[options$variance]]
  list(design = design, call = call,
       r = function() do.call(calibrate, c(list(d, ~stype + api99, totals,
                                                aggregate.stage = 1), r_options)))
}

cases <- list(
  ratio_strat = list(
    design = "strat",
    call = list(population = list(api99 = api99_total), variance = "api99"),
    r = function() calibrate(dstrat, ~api99 - 1, c(api99 = api99_total),
                             variance = apistrat$api99)),
  ratio_strat_jkn = list(
    design = "strat_jkn",
    call = list(population = list(api99 = api99_total), variance = "api99"),
    r = function() calibrate(rstrat, ~api99 - 1, c(api99 = api99_total),
                             variance = apistrat$api99)),
  variance_strat = list(
    design = "strat",
    call = list(population = cal_pop, variance = "api99"),
    r = function() calibrate(dstrat, ~stype + api99, totals, variance = apistrat$api99)),
  variance_raking_strat = list(
    design = "strat",
    call = list(population = cal_pop, variance = "api99", method = "raking", epsilon = eps),
    r = function() calibrate(dstrat, ~stype + api99, totals, variance = apistrat$api99,
                             calfun = "raking", epsilon = eps)),
  variance_bounded_strat = list(
    design = "strat",
    call = list(population = cal_pop, variance = "api99", bounds = c(0.96, 1.02),
                epsilon = eps),
    r = function() calibrate(dstrat, ~stype + api99, totals, variance = apistrat$api99,
                             bounds = c(0.96, 1.02), epsilon = eps)),
  bounds_const_strat = list(
    design = "strat",
    call = list(population = cal_pop, bounds = c(14.8, 45.2), bounds_const = TRUE,
                epsilon = eps),
    r = function() calibrate(dstrat, ~stype + api99, totals, bounds = c(14.8, 45.2),
                             bounds.const = TRUE, epsilon = eps)),
  bounds_const_logit_strat = list(
    design = "strat",
    call = list(population = cal_pop, bounds = c(14.8, 45.2), bounds_const = TRUE,
                method = "logit", epsilon = eps),
    r = function() calibrate(dstrat, ~stype + api99, totals, bounds = c(14.8, 45.2),
                             bounds.const = TRUE, calfun = "logit", epsilon = eps)),
  # a first Newton step past the upper bound: R's cal.raking keeps going (its dF compares u,
  # not exp(u), with the bounds)
  bounds_const_raking_clus1 = list(
    design = "clus1",
    call = list(population = list(stype = named(pop_stype)), bounds = c(20, 60),
                bounds_const = TRUE, method = "raking", epsilon = eps),
    r = function() calibrate(dclus1, ~stype, totals[1:3], bounds = c(20, 60),
                             bounds.const = TRUE, calfun = "raking", epsilon = eps)),
  unit_bounds_strat = list(
    design = "strat",
    call = list(population = cal_pop, bounds = list("unit_lower", "unit_upper"),
                epsilon = eps),
    r = function() calibrate(dstrat, ~stype + api99, totals,
                             bounds = list(lower = unit_lower, upper = unit_upper),
                             epsilon = eps)),
  aggregate_clus1 = aggregated("clus1", dclus1),
  aggregate_raking_clus1 = aggregated("clus1", dclus1, calfun = "raking", epsilon = eps),
  aggregate_variance_clus1 = aggregated("clus1", dclus1, variance = "api99"),
  aggregate_clus2 = aggregated("clus2", dclus2),
  aggregate_logit_clus2 = aggregated("clus2", dclus2, calfun = "logit", bounds = c(0.2, 3),
                                     epsilon = eps),
  stage1_ratio_clus2 = list(
    design = "clus2",
    call = list(population = lapply(pop_district, as.list), stage = 1, variance = "api99"),
    r = function() calibrate(dclus2, ~api99 - 1, pop_district, stage = 1,
                             variance = apiclus2$api99)),
  stage1_clus2 = list(
    design = "clus2",
    call = list(population = lapply(pop_district, as.list), stage = 1),
    r = function() calibrate(dclus2, ~api99 - 1, pop_district, stage = 1)),
  rake_maxit2_clus1 = list(
    design = "clus1",
    call = list(margins = list(stype = named(pop_stype), sch.wide = named(pop_schwide)),
                max_iter = 2, epsilon = 1e-10, on_nonconvergence = "warn"),
    r = function() rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
                        control = list(maxit = 2, epsilon = 1e-10))),
  rake_maxit2_clus1_jk1 = list(
    design = "clus1_jk1",
    call = list(margins = list(stype = named(pop_stype), sch.wide = named(pop_schwide)),
                max_iter = 2, epsilon = 1e-10, on_nonconvergence = "warn"),
    r = function() rake(rclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
                        control = list(maxit = 2, epsilon = 1e-10)))
)

# The estimates of each case (the Python test spells the same ones), with their SEs.
estimators <- list(
  total_api_stu = function(d) svytotal(~api.stu, d),
  mean_api00 = function(d) svymean(~api00, d),
  mean_comp_imp = function(d) svymean(~comp.imp, d),
  mean_api00_by_awards = function(d) svyby(~api00, ~awards, d, svymean),
  total_api00_by_stype = function(d) svyby(~api00, ~stype, d, svytotal),
  mean_api00_awards_yes = function(d) svymean(~api00, subset(d, awards == "Yes")))
results <- function(d) c(
  list(weights = unname(weights(d, "sampling"))),
  lapply(estimators, function(f) {
    s <- f(d)
    list(estimate = as.vector(coef(s)), se = as.vector(SE(s)))
  }))

out <- list()
warned <- character(0)
for (name in names(cases)) {
  case <- cases[[name]]
  d <- withCallingHandlers(case$r(), warning = function(w) {
    warned <<- c(warned, paste(name, conditionMessage(w)))
    invokeRestart("muffleWarning")
  })
  out[[name]] <- list(call = case$call, design = case$design, results = results(d))
}
cat(warned, sep = "\n")

meta <- list(R = paste(R.version$major, R.version$minor, sep = "."),
             survey = as.character(packageVersion("survey")),
             script = "tests/reference/make_refs_calibrate_options.R")
writeLines(toJSON(list(meta = meta, cases = out), digits = NA, auto_unbox = TRUE,
                  null = "null", na = "null", pretty = FALSE),
           file.path("tests", "reference", "golden_calibrate_options.json"))
cat(sprintf("wrote %d calibrate-option cases (R %s, survey %s)\n", length(out), meta$R,
            meta$survey))
