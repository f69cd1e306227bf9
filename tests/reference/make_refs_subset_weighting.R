# Reference numbers for weighting a subset (tests/golden/test_subset_weighting_golden.py),
# computed with R's `survey` (subset, then postStratify, rake or calibrate).
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_subset_weighting.R
#
# R's subset of a design not yet weighted drops the other rows (`[.survey.design2`), so a
# post-stratification or raking made on it centres over the subset's rows only; a subset
# of a weighted design keeps them at weight 0. The script reads the api fixture
# tests/reference/fixtures/apiclus1.csv and writes tests/reference/golden_subset_weighting.json:
# for every case, estimates and standard errors as "%.17g". The test suite never calls R.

suppressPackageStartupMessages(library(survey))

out_dir <- file.path("tests", "reference")
apiclus1 <- read.csv(file.path(out_dir, "fixtures", "apiclus1.csv"), check.names = FALSE,
                     stringsAsFactors = TRUE, na.strings = "")
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
sub <- subset(dclus1, sch.wide == "Yes")
stype <- data.frame(stype = c("E", "H", "M"), Freq = c(3000, 600, 800))
awards <- data.frame(awards = c("No", "Yes"), Freq = c(1500, 2900))
all_awards <- data.frame(awards = c("No", "Yes"), Freq = c(2000, 4194))

cases <- list(
  subset_poststratify = postStratify(sub, ~stype, stype),
  subset_rake = rake(sub, list(~stype, ~awards), list(stype, awards),
                     control = list(maxit = 1000, epsilon = 1e-10)),
  subset_calibrate = calibrate(sub, ~stype, c(`(Intercept)` = 4400, stypeH = 600,
                                               stypeM = 800)),
  poststratify_subset_poststratify = postStratify(
    subset(postStratify(dclus1, ~awards, all_awards), sch.wide == "Yes"), ~stype, stype)
)

jnum <- function(x) paste0("[", paste(sprintf("%.17g", as.numeric(x)), collapse = ", "), "]")
stat <- function(s) sprintf("{\"estimate\": %s, \"se\": %s}", jnum(coef(s)), jnum(SE(s)))
results <- function(d) {
  paste0("{\"total_enroll\": ", stat(svytotal(~enroll, d)),
         ", \"mean_api00\": ", stat(svymean(~api00, d)),
         ", \"mean_api00_by_awards\": ", stat(svyby(~api00, ~awards, d, svymean)), "}")
}
body <- paste(sprintf("\"%s\": %s", names(cases), vapply(cases, results, "")), collapse = ",\n")
meta <- sprintf("{\"R\": \"%s.%s\", \"survey\": \"%s\", \"script\": \"%s\"}", R.version$major,
                R.version$minor, packageVersion("survey"),
                "tests/reference/make_refs_subset_weighting.R")
writeLines(paste0("{\n\"meta\": ", meta, ",\n\"cases\": {\n", body, "\n}\n}"),
           file.path(out_dir, "golden_subset_weighting.json"))
cat(sprintf("wrote %d cases\n", length(cases)))
