# Lonely PSUs where R computes them here (R 4.2.2, survey 4.1.1), written to
# tests/reference/golden_lonely.json for tests/golden/test_lonely_golden.py.
#
# Run from the repository root:  Rscript tests/reference/make_refs_lonely.R
# It reads the fixtures make_refs.R wrote and never rewrites them; re-running
# reproduces the JSON byte for byte.
#
# 1. JKn replicates (as.svrepdesign) of apiclus1 stratified by dnum with
#    district 413 sampled in full (fpc 1, the others 1000), as R's
#    tests/lonely.psu.R: under "average", jknweights scales the variance by
#    #PSUs / #replicates (183/182), treating the certainty stratum as lonely.
# 2. R's own svytotal check of tests/lonely.psu.R (five PSUs, three strata):
#    survey 4.1.1's "adjust" centres the lonely PSU on zero, micropop's
#    lonely_psu="adjust_legacy".
# Each case: the policy, the statistic (mean or total of api00 / Age, overall
# or by stype), R's estimates and variances.

suppressPackageStartupMessages(library(survey))

fixture <- function(name)
  read.csv(file.path("tests", "reference", "fixtures", paste0(name, ".csv")),
           check.names = FALSE, stringsAsFactors = TRUE, na.strings = "")
num <- function(x) paste0("[", paste(sprintf("%.17g", as.numeric(x)), collapse = ", "), "]")
str <- function(x) paste0("\"", x, "\"")

cases <- character()
add <- function(id, design, policy, fun, by = NULL, what = "api00") {
  old <- options(survey.lonely.psu = policy)
  on.exit(options(old))
  f <- as.formula(paste("~", what))
  stat <- if (fun == "mean") svymean else svytotal
  res <- if (is.null(by)) stat(f, design) else svyby(f, as.formula(paste("~", by)), design,
                                                     stat, covmat = TRUE)
  cases <<- c(cases, paste0("{\"id\": ", str(id), ", \"design\": ", str(design_name),
                            ", \"lonely_psu\": ", str(policy), ", \"fun\": ", str(fun),
                            ", \"by\": ", if (is.null(by)) "null" else str(by),
                            ", \"variable\": ", str(what),
                            ", \"estimate\": ", num(coef(res)),
                            ", \"variance\": ", num(diag(as.matrix(vcov(res)))), "}"))
}

clus1 <- fixture("apiclus1")
clus1$fpc413 <- ifelse(clus1$dnum == 413, 1, 1000)
design_name <- "clus1_certainty_jkn"
for (policy in c("remove", "certainty", "adjust", "average")) {
  old <- options(survey.lonely.psu = policy)
  rep <- as.svrepdesign(svydesign(id = ~1, weights = ~pw, strata = ~dnum, fpc = ~fpc413,
                                  data = clus1), type = "JKn")
  options(old)
  for (fun in c("mean", "total")) {
    add(paste(design_name, policy, fun, sep = "/"), rep, policy, fun)
    add(paste(design_name, policy, fun, "stype", sep = "/"), rep, policy, fun, by = "stype")
  }
}

singleton <- data.frame(Stratum = c(1, 1, 2, 2, 3), PSU = c(1, 2, 3, 4, 5),
                        Design_Weight = c(10.5, 10.5, 20, 20, 15),
                        Age = c(30.5, 40.5, 35, 52, 44))
design_name <- "singleton"
des <- svydesign(data = singleton, ids = ~PSU, strata = ~Stratum, weights = ~Design_Weight)
for (policy in c("remove", "certainty", "adjust", "average"))
  for (fun in c("mean", "total"))
    add(paste(design_name, policy, fun, sep = "/"), des, policy, fun, what = "Age")

out <- file.path("tests", "reference", "golden_lonely.json")
writeLines(paste0("{\n\"meta\": {\"r_version\": ", str(paste(R.version$major, R.version$minor,
                                                               sep = ".")),
                  ", \"survey_version\": ", str(as.character(packageVersion("survey"))),
                  ", \"script\": \"tests/reference/make_refs_lonely.R\"},\n\"cases\": [\n",
                  paste(cases, collapse = ",\n"), "\n]\n}"), out)
