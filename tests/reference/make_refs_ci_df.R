# R's confint(..., df=) for Estimate.ci(df=), written to
# tests/reference/golden_ci_df.json (tests/estimation/test_ci_df.py).
#
# Run from the repository root:  Rscript tests/reference/make_refs_ci_df.R
# (R 4.2.2, survey 4.1.1); re-running reproduces the JSON byte for byte.
# apiclus1 as R's dclus1 (one-stage cluster sample of districts, fpc). df = Inf is
# written as Infinity, which Python's json reads.

suppressPackageStartupMessages(library(survey))
clus1 <- read.csv(file.path("tests", "reference", "fixtures", "apiclus1.csv"),
                  check.names = FALSE, stringsAsFactors = TRUE, na.strings = "")
des <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
num <- function(x) paste0("[", paste(sprintf("%.17g", as.numeric(x)), collapse = ", "), "]")
cases <- character()
add <- function(id, fun, by, level, df, res) {
  ci <- confint(res, level = level, df = df)
  cases <<- c(cases, sprintf(paste0("{\"id\": \"%s\", \"fun\": \"%s\", \"by\": %s, ",
                                    "\"level\": %s, \"df\": %s, \"ci_low\": %s, ",
                                    "\"ci_high\": %s}"),
                             id, fun, if (is.null(by)) "null" else paste0("\"", by, "\""),
                             sprintf("%.17g", level),
                             if (is.infinite(df)) "Infinity" else sprintf("%.17g", df),
                             num(ci[, 1]), num(ci[, 2])))
}
add("total_df3", "total", NULL, 0.95, 3, svytotal(~api00, des))
add("mean_df5_90", "mean", NULL, 0.9, 5, svymean(~api00, des))
add("mean_by_stype_df2", "mean", "stype", 0.95, 2, svyby(~api00, ~stype, des, svymean))
add("total_df_inf", "total", NULL, 0.95, Inf, svytotal(~api00, des))
writeLines(paste0("{\n\"meta\": {\"r_version\": \"", paste(R.version$major, R.version$minor,
                                                         sep = "."),
                  "\", \"survey_version\": \"", as.character(packageVersion("survey")),
                  "\", \"script\": \"tests/reference/make_refs_ci_df.R\"},\n\"cases\": [\n",
                  paste(cases, collapse = ",\n"), "\n]\n}"),
           file.path("tests", "reference", "golden_ci_df.json"))
